import { describe, expect, it } from "vitest";
import { CognixError, formatProblem, type Problem } from "../../../util/errors.ts";
import { resolve, type ResolveInput } from "../index.ts";

/** Requirements as lines of requirements.txt, line numbers from 1. */
function input(gpu: boolean, python: string, lines: string[], extra: Partial<ResolveInput> = {}): ResolveInput {
  return {
    gpu,
    pythonVersion: python,
    pythonVersionLoc: { file: "cog.yaml", line: 4, column: 19, path: ["build", "python_version"] },
    requirements: lines.map((text, i) => ({ text, loc: { file: "requirements.txt", line: i + 1 } })),
    ...extra,
  };
}
/** Warnings as the CLI prints them, one per line, each with where it points. */
const shown = (warnings: readonly Problem[]): string => warnings.map(formatProblem).join("\n");
const at = (line: number, value: string, key: string) => ({ value, loc: { file: "cog.yaml", line, column: 9, path: ["build", key] } });

function failure(i: ResolveInput): CognixError {
  try {
    resolve(i);
  } catch (err) {
    if (err instanceof CognixError) return err;
    throw err;
  }
  throw new Error("resolve did not fail");
}

describe("torch on GPU (Cog's TestValidateAndCompleteCUDAForSelectedTorch)", () => {
  for (const [torch, cuda] of [["2.0.1", "11.8"], ["1.13.1", "11.7"], ["1.11.0", "11.3"]] as const) {
    it(`torch==${torch} → CUDA ${cuda}, cuDNN 8`, () => {
      expect(resolve(input(true, "3.10", [`torch==${torch}`])).cuda).toEqual({ version: cuda, cudnn: "8" });
    });
  }

  it("rewrites torch/torchvision and routes all three to the cu118 index (TestPythonPackagesForArchTorchGPU)", () => {
    const out = resolve(input(true, "3.10", ["torch==2.0.1", "torchvision==0.15.2", "torchaudio==2.0.2", "foo==1.0.0"], { cuda: at(5, "11.8", "cuda") }));
    expect(out.requirements).toEqual(["torch==2.0.1", "torchvision==0.15.2", "torchaudio==2.0.2", "foo==1.0.0"]);
    expect(out.indexes).toEqual([{ name: "pytorch-cu118", url: "https://download.pytorch.org/whl/cu118", packages: ["torch", "torchvision", "torchaudio"] }]);
    expect(out.torch).toEqual({ version: "2.0.1", torchvision: "0.15.2", torchaudio: "2.0.2", variant: "cu118", indexUrl: "https://download.pytorch.org/whl/cu118" });
  });

  it("torch 2.0.1 on CUDA 11.7 comes from plain PyPI", () => {
    const out = resolve(input(true, "3.10", ["torch==2.0.1"], { cuda: at(5, "11.7", "cuda") }));
    expect(out.torch).toMatchObject({ version: "2.0.1", variant: "pypi", indexUrl: null });
    expect(out.indexes).toEqual([]);
    expect(out.warnings).toEqual([]);
  });

  it("a +cuXYZ suffix forces that CUDA", () => {
    const out = resolve(input(true, "3.10", ["torch==2.1.0+cu118"]));
    expect(out.cuda).toEqual({ version: "11.8", cudnn: "8" });
    expect(out.requirements).toEqual(["torch==2.1.0"]);
    expect(out.torch?.indexUrl).toBe("https://download.pytorch.org/whl/cu118");
  });

  it("a +cuXYZ suffix with no such build falls back to the highest CUDA, with a warning", () => {
    const out = resolve(input(true, "3.10", ["torch==2.1.0+cu117"]));
    expect(out.cuda?.version).toBe("12.1");
    expect(shown(out.warnings)).toMatch(/no known cu117 build of torch 2\.1\.0/);
  });

  it("torch==2.1 takes the newest 2.1.x on the highest CUDA, as Cog does", () => {
    const out = resolve(input(true, "3.11", ["torch==2.1"]));
    expect(out.cuda?.version).toBe("12.1");
    expect(out.requirements).toEqual(["torch==2.1.2"]);
  });

  it("a pinned cuda with no wheel for it warns and takes torch from PyPI", () => {
    const out = resolve(input(true, "3.11", ["torch==2.6.0"], { cuda: at(5, "11.7", "cuda") }));
    expect(out.torch).toMatchObject({ variant: "pypi", indexUrl: null });
    expect(shown(out.warnings)).toContain("Cog doesn't know if CUDA 11.7 is compatible with PyTorch 2.6.0");
    expect(shown(out.warnings)).toContain("Try 12.6 instead?");
  });

  it("a pinned cuda between builds takes the highest one below it", () => {
    const out = resolve(input(true, "3.11", ["torch==2.3.1"], { cuda: at(5, "12.4", "cuda") }));
    expect(out.cuda).toEqual({ version: "12.4", cudnn: "9" });
    expect(out.torch?.variant).toBe("cu121");
  });

  it("keeps extras and markers when rewriting", () => {
    const out = resolve(input(true, "3.10", ['torch[opt-einsum]==2.0.1+cu118 ; sys_platform == "linux"']));
    expect(out.requirements).toEqual(['torch[opt-einsum]==2.0.1 ; sys_platform == "linux"']);
  });

  it("a range comes from PyPI as in Cog, CUDA chosen from the first version it names", () => {
    const out = resolve(input(true, "3.11", ["torch>=2.1,<2.6", "torchvision"]));
    expect(out.cuda).toEqual({ version: "12.1", cudnn: "8" });
    expect(out.requirements).toEqual(["torch>=2.1,<2.6", "torchvision"]);
    expect(out.indexes).toEqual([]);
    expect(out.torch).toEqual({ version: "2.1", torchvision: null, torchaudio: null, variant: "pypi", indexUrl: null });
    expect(shown(out.warnings)).toMatch(/torch>=2\.1,<2\.6: a range, so torch comes from PyPI as in Cog .*CUDA 12\.1 goes with torch 2\.1, the first version it names.*Pin an exact version/s);
  });

  it("a range with build.cuda never goes to the index of another CUDA (its lowest version's cu118)", () => {
    const out = resolve(input(true, "3.11", ["torch>=2.0"], { cuda: at(5, "12.1", "cuda") }));
    expect(out.indexes).toEqual([]);
    expect(out.torch).toMatchObject({ version: "2.0", variant: "pypi", indexUrl: null });
  });

  it("torch<=X takes X, as Cog does, instead of being refused", () => {
    const out = resolve(input(true, "3.11", ["torch<=2.0.1"]));
    expect(out.cuda).toEqual({ version: "11.8", cudnn: "8" });
    expect(out.torch).toMatchObject({ version: "2.0.1", variant: "pypi", indexUrl: null });
    expect(out.requirements).toEqual(["torch<=2.0.1"]);
    expect(resolve(input(true, "3.11", ["torch<2.6,>=2.1"])).cuda?.version).toBe("12.6");
  });

  it("~= and wildcard pins are ranges too", () => {
    expect(resolve(input(true, "3.11", ["torch~=2.4.0"])).cuda?.version).toBe("12.4");
    expect(resolve(input(true, "3.11", ["torch==2.2.*"])).cuda?.version).toBe("12.1");
  });

  it("a range beside a pinned torchvision follows torchvision's index, whose CUDA is the image's", () => {
    const out = resolve(input(true, "3.11", ["torch>=2.0", "torchvision==0.18.1", "torchaudio"], { cuda: at(5, "12.1", "cuda") }));
    expect(out.indexes).toEqual([{ name: "pytorch-cu121", url: "https://download.pytorch.org/whl/cu121", packages: ["torch", "torchvision", "torchaudio"] }]);
    expect(out.torch).toMatchObject({ version: "2.0", variant: "cu121", indexUrl: "https://download.pytorch.org/whl/cu121" });
    expect(shown(out.warnings)).toContain("It follows torchvision to https://download.pytorch.org/whl/cu121 so their CUDA builds match");
  });

  it("an exact pin the table lacks for the image's CUDA comes from PyPI as written", () => {
    const out = resolve(input(true, "3.11", ["torch==2.6.0", "torchaudio==2.6.0"], { cuda: at(5, "11.7", "cuda") }));
    expect(out.requirements).toEqual(["torch==2.6.0", "torchaudio==2.6.0"]);
    expect(out.indexes).toEqual([]);
    expect(shown(out.warnings)).toContain("torch==2.6.0: no known CUDA build of torch 2.6.0 in Cog's table; it is taken from PyPI as written");
  });

  it("a line naming its own index (--extra-index-url=URL) keeps its version and leaves the table alone", () => {
    const own = { text: "torch==2.0.1", loc: { file: "requirements.txt", line: 1 }, ownIndex: "https://download.pytorch.org/whl/cu117" };
    const out = resolve({ ...input(true, "3.11", []), requirements: [own, { text: "torchaudio==2.0.2", loc: { file: "requirements.txt", line: 2 } }] });
    expect(out.requirements).toEqual(["torch==2.0.1", "torchaudio==2.0.2"]);
    expect(out.indexes).toEqual([]);
    expect(out.torch).toMatchObject({ version: "2.0.1", variant: "cu117", indexUrl: null });
  });

  it("a wheel URL names the version", () => {
    const out = resolve(input(true, "3.10", ["torch @ https://download.pytorch.org/whl/cu118/torch-2.0.1%2Bcu118-cp310-cp310-linux_x86_64.whl"]));
    expect(out.cuda?.version).toBe("11.8");
    expect(out.requirements[0]).toMatch(/^torch @ https:/);
  });
});

describe("TensorFlow", () => {
  it("TensorFlow decides CUDA and cuDNN", () => {
    const out = resolve(input(true, "3.10", ["tensorflow==2.12.0", "foo==1.0.0"]));
    expect(out.cuda).toEqual({ version: "11.8", cudnn: "8" });
    expect(out.tensorflow).toEqual({ version: "2.12.0", package: "tensorflow==2.12.0" });
    expect(out.requirements).toEqual(["tensorflow==2.12.0", "foo==1.0.0"]);
  });

  it("with torch too, TensorFlow's CUDA wins and torch takes the wheel below it (TestPythonPackagesBothTorchAndTensorflow)", () => {
    const out = resolve(input(true, "3.11", ["tensorflow==2.16.1", "torch==2.3.1"], { cuda: at(5, "12.3", "cuda") }));
    expect(out.cuda).toEqual({ version: "12.3", cudnn: "8" });
    expect(out.indexes).toEqual([{ name: "pytorch-cu121", url: "https://download.pytorch.org/whl/cu121", packages: ["torch"] }]);
  });

  it("a patch release of a known series uses that series' CUDA, with a warning", () => {
    const out = resolve(input(true, "3.10", ["tensorflow==2.13.1"]));
    expect(out.cuda).toEqual({ version: "11.8", cudnn: "8" });
    expect(shown(out.warnings)).toContain("same minor series");
  });

  it("an unknown TensorFlow needs build.cuda", () => {
    const err = failure(input(true, "3.10", ["tensorflow==0.4.1"]));
    expect(err.message).toContain("requirements.txt:1: cog doesn't know what CUDA version is compatible with tensorflow==0.4.1.");
    const ok = resolve(input(true, "3.10", ["tensorflow==0.4.1"], { cuda: at(5, "11.8", "cuda") }));
    expect(ok.cuda).toEqual({ version: "11.8", cudnn: "8" });
  });

  it("a cuDNN other than TensorFlow's is an error", () => {
    const err = failure(input(true, "3.10", ["tensorflow==2.12.0"], { cudnn: at(6, "9", "cudnn") }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ file: "cog.yaml", line: 6 });
    expect(err.message).toContain("the specified cuDNN version 9 is not compatible with tensorflow==2.12.0");
  });

  it("a CUDA major other than TensorFlow's is an error", () => {
    const err = failure(input(true, "3.10", ["tensorflow==2.12.0"], { cuda: at(5, "12.1", "cuda") }));
    expect(err.message).toContain("TensorFlow 2.12.0 is incompatible with CUDA 12.1: TensorFlow 2.12.0 requires CUDA 11.8");
  });

  it("TensorFlow with no wheels for the Python is an error", () => {
    expect(failure(input(true, "3.12", ["tensorflow==2.12.0"])).message).toMatch(/tensorflow 2\.12\.0 has no wheels for Python 3\.12 \(it has Python 3\.8–3\.11\)/);
  });
});

describe("CUDA defaults and checks", () => {
  it("no framework: CUDA 11.8 with cuDNN 8", () => {
    expect(resolve(input(true, "3.12", ["numpy"])).cuda).toEqual({ version: "11.8", cudnn: "8" });
  });

  it("a given CUDA gets its newest cuDNN (8 up to 12.2, 9 from 12.3)", () => {
    expect(resolve(input(true, "3.12", [], { cuda: at(5, "12.2", "cuda") })).cuda).toEqual({ version: "12.2", cudnn: "8" });
    expect(resolve(input(true, "3.12", [], { cuda: at(5, "12.3", "cuda") })).cuda).toEqual({ version: "12.3", cudnn: "9" });
    expect(resolve(input(true, "3.12", [], { cuda: at(5, "11.6.2", "cuda") })).cuda).toEqual({ version: "11.6.2", cudnn: "8" });
  });

  it('cuda: "12" (major only) is an error at its key', () => {
    const err = failure(input(true, "3.12", [], { cuda: at(5, "12", "cuda") }));
    expect(err.message).toBe('cog.yaml:5:9: build.cuda: CUDA version "12" must include both major and minor versions, e.g. "12.0" or "11.8"');
  });

  it("CUDA below 11 and unknown CUDA are errors", () => {
    expect(failure(input(true, "3.12", [], { cuda: at(5, "10.2", "cuda") })).message).toContain("minimum supported CUDA version is 11");
    expect(failure(input(true, "3.12", [], { cuda: at(5, "12.7", "cuda") })).message).toContain("CUDA 12.7 is not supported by Cog");
  });

  it("an incompatible cuDNN is an error naming the compatible ones", () => {
    const err = failure(input(true, "3.12", [], { cuda: at(5, "11.8", "cuda"), cudnn: at(6, "9", "cudnn") }));
    expect(err.message).toBe("cog.yaml:6:9: build.cudnn: CUDA 11.8 is incompatible with CuDNN 9: compatible CuDNN versions are: 8");
  });

  it("CPU builds have no CUDA (reading cog.yaml warns once about the key)", () => {
    const out = resolve(input(false, "3.12", [], { cuda: at(5, "12.1", "cuda") }));
    expect(out.cuda).toBeNull();
    expect(out.warnings).toEqual([]);
  });

  it("points each warning at the requirement it is about", () => {
    const out = resolve(input(true, "3.11", ["numpy==1.26.4", "torch>=2.1,<2.6"], { cuda: at(5, "12.1", "cuda") }));
    expect(shown(out.warnings)).toMatch(/^requirements\.txt:2: torch>=2\.1,<2\.6: a range, so torch comes from PyPI/);
  });

  it("refuses Python 3.9 at python_version, naming both ways out, unless the flake gives an interpreter", () => {
    for (const py of ["3.9", "3.9.18"]) {
      const err = failure(input(false, py, []));
      expect(err.problems).toHaveLength(1);
      expect(err.message).toBe(
        "cog.yaml:4:19: build.python_version: Python 3.9: current Cog refuses Python below 3.10, and nixpkgs has no Python 3.9 interpreter. Raise python_version to 3.10 or later, or set `python.interpreter` to a Python 3.9 package in the model's flake.nix (cognix generate reads it from there)",
      );
      const out = resolve(input(false, py, [], { interpreterFromFlake: true }));
      expect(out.cogSdkVersion).toBe("0.16.12");
    }
    for (const py of ["3.10", "3.13"]) expect(resolve(input(false, py, [])).warnings).toEqual([]);
  });
});

describe("errors", () => {
  it("unpinned torch with GPU says what to write, at the requirement's line", () => {
    const err = failure(input(true, "3.11", ["numpy", "torch"]));
    expect(err.problems).toEqual([
      expect.objectContaining({ file: "requirements.txt", line: 2, message: expect.stringMatching(/^torch version must be specified when using CUDA: .*e\.g\. torch==\d+\.\d+\.\d+$/) }),
    ]);
  });

  it("unpinned torch with GPU is an error even with build.cuda set, as in Cog", () => {
    expect(failure(input(true, "3.11", ["torch"], { cuda: at(5, "12.1", "cuda") })).message).toContain("torch version must be specified when using CUDA");
  });

  it("an unknown torch needs build.cuda", () => {
    expect(failure(input(true, "3.10", ["torch==0.4.1"])).message).toContain("cog doesn't know what CUDA version is compatible with torch==0.4.1.");
    const ok = resolve(input(true, "3.10", ["torch==0.4.1"], { cuda: at(5, "11.8", "cuda") }));
    expect(ok.cuda).toEqual({ version: "11.8", cudnn: "8" });
    expect(ok.torch).toMatchObject({ version: "0.4.1", variant: "pypi", indexUrl: null });
  });

  it("torch with no wheels for the Python is an error suggesting what to use", () => {
    const err = failure(input(true, "3.12", ["torch==2.1.0"]));
    expect(err.message).toMatch(/requirements\.txt:1: torch==2\.1\.0: torch 2\.1\.0 has no wheels for Python 3\.12 \(it has Python 3\.8–3\.11\).*e\.g\. torch==2\.11\.0/);
  });

  it("reports every problem at once", () => {
    const err = failure(input(true, "3.7", ["torch"], { sdkVersion: at(8, "prerelease", "sdk_version") }));
    expect(err.problems.map((p) => p.line)).toEqual([4, 8, 1]);
  });
});

describe("Python versions 3.9–3.14", () => {
  const cases: [string, string, boolean][] = [
    ["3.9", "1.11.0", true],
    ["3.9", "2.5.1", true],
    ["3.9", "2.9.0", false],
    ["3.10", "1.12.1", true],
    ["3.11", "1.13.1", false],
    ["3.11", "2.0.1", true],
    ["3.12", "2.2.0", true],
    ["3.13", "2.5.1", false],
    ["3.13", "2.6.0", true],
    ["3.14", "2.8.0", false],
    ["3.14", "2.9.1", true],
  ];
  for (const [py, torch, ok] of cases) {
    it(`python ${py} with torch==${torch}: ${ok ? "resolves" : "error"}`, () => {
      for (const gpu of [true, false]) {
        const i = input(gpu, py, [`torch==${torch}`], { interpreterFromFlake: true });
        if (ok) expect(resolve(i).torch?.version).toBe(torch);
        else expect(failure(i).message).toContain(`has no wheels for Python ${py}`);
      }
    });
  }

  it("a patch version is accepted; unsupported Pythons are errors at python_version", () => {
    expect(resolve(input(false, "3.12.4", [])).cuda).toBeNull();
    expect(failure(input(false, "3.7", [])).message).toBe(
      "cog.yaml:4:19: build.python_version: Python 3.7 is not supported: current Cog refuses Python below 3.10, and cognix cannot build it either; raise python_version to 3.10 or later",
    );
    expect(failure(input(false, "3.15", [])).message).toBe("cog.yaml:4:19: build.python_version: Python 3.15 is not supported; use one of 3.9, 3.10, 3.11, 3.12, 3.13, 3.14");
    expect(failure(input(false, "three", [])).message).toContain('python_version "three" must be major.minor');
  });

  it("Python 3.8 is refused with the reason, for any torch, CPU or GPU", () => {
    for (const gpu of [true, false]) {
      for (const reqs of [[], ["torch==1.13.1"], ["torch==2.4.1"]]) {
        const err = failure(input(gpu, "3.8.18", reqs));
        expect(err.message).toContain(
          "cog.yaml:4:19: build.python_version: Python 3.8 is not supported: current Cog refuses Python below 3.10, and cognix cannot build it either (pyproject.nix's virtualenv builder (make_venv.py subscripts dict[...] at import) and build-system-pkgs (requires-python ~=3.9) need Python 3.9 or later); raise python_version to 3.10 or later",
        );
      }
    }
  });
});

describe("CPU builds", () => {
  it("use the +cpu wheels from /whl/cpu and keep torchvision's local part as Cog does", () => {
    const out = resolve(input(false, "3.10", ["torch==1.11.0", "torchvision==0.12.0", "torchaudio==0.11.0"]));
    expect(out.requirements).toEqual(["torch==1.11.0", "torchvision==0.12.0+cpu", "torchaudio==0.11.0"]);
    expect(out.indexes).toEqual([{ name: "pytorch-cpu", url: "https://download.pytorch.org/whl/cpu", packages: ["torch", "torchvision", "torchaudio"] }]);
  });

  it("take unpinned and ranged torch from PyPI, as Cog does, and warn", () => {
    for (const line of ["torch", "torch>=2.1"]) {
      const out = resolve(input(false, "3.12", [line, "torchvision"]));
      expect(out.torch).toMatchObject({ variant: "pypi", indexUrl: null });
      expect(out.indexes).toEqual([]);
    }
    expect(shown(resolve(input(false, "3.12", ["torch"])).warnings)).toContain("torch: torch is not pinned, so it comes from PyPI as in Cog");
  });

  it("route only versions the table spells exactly (torch==2.1 is not 2.1.0) to /whl/cpu", () => {
    expect(resolve(input(false, "3.11", ["torch==2.1.0"])).torch).toMatchObject({ variant: "cpu" });
    const out = resolve(input(false, "3.11", ["torch==2.1"]));
    expect(out.torch).toMatchObject({ version: "2.1", variant: "pypi", indexUrl: null });
    expect(shown(out.warnings)).toContain("no known CPU build of torch 2.1 in Cog's table");
  });

  it("install the CPU build for a +cuXYZ pin, with a warning", () => {
    const out = resolve(input(false, "3.10", ["torch==2.1.0+cu121"]));
    expect(out.requirements).toEqual(["torch==2.1.0"]);
    expect(out.torch?.variant).toBe("cpu");
    expect(shown(out.warnings)).toContain("CPU build instead");
  });

  it("leave TensorFlow as written", () => {
    const out = resolve(input(false, "3.10", ["tensorflow==2.12.0"]));
    expect(out.tensorflow).toEqual({ version: "2.12.0", package: "tensorflow==2.12.0" });
    expect(out.cuda).toBeNull();
  });
});

describe("cog SDK version", () => {
  it("defaults to the newest (null), the last 0.16 SDK on Python < 3.10, and accepts an exact pin", () => {
    expect(resolve(input(false, "3.12", [])).cogSdkVersion).toBeNull();
    expect(resolve(input(false, "3.9", [], { interpreterFromFlake: true })).cogSdkVersion).toBe("0.16.12");
    expect(resolve(input(false, "3.12", [], { sdkVersion: at(8, "0.18.0a1", "sdk_version") })).cogSdkVersion).toBe("0.18.0a1");
  });

  it("rejects prerelease, non-versions, versions below 0.16.0, and 0.17+ on Python < 3.10", () => {
    expect(failure(input(false, "3.12", [], { sdkVersion: at(8, "prerelease", "sdk_version") })).message).toContain('"prerelease" is not supported');
    expect(failure(input(false, "3.12", [], { sdkVersion: at(8, ">=0.16", "sdk_version") })).message).toContain("is not a version");
    expect(failure(input(false, "3.12", [], { sdkVersion: at(8, "0.15.9", "sdk_version") })).message).toContain("below the minimum required version 0.16.0");
    expect(failure(input(false, "3.9", [], { sdkVersion: at(8, "0.17.0", "sdk_version") })).message).toContain("needs Python 3.10 or newer");
  });
});
