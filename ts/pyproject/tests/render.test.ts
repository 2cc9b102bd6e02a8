import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { generate } from "../../generate/generate.ts";
import { checkLockFresh } from "../../lock/freshness.ts";
import { readPyprojectRequirements } from "../../lock/pyproject-read.ts";
import { canonicalJson } from "../../util/canonical-json.ts";
import { parseRequirement } from "../../python/pep508.ts";
import { isTable, readToml, type TomlTable } from "../../python/toml.ts";
import type { CognixConfig } from "../../types/cognix.ts";
import { CognixError } from "../../util/errors.ts";
import { lockInputs, lockInputsSha256, requiresPythonFor } from "../lock-inputs.ts";
import { renderPyproject } from "../render.ts";
import { copyFixture } from "../../generate/tests/helpers.ts";
import { writePyproject } from "../write.ts";

const LOCKS = join(dirname(fileURLToPath(import.meta.url)), "../../../lib/python/tests/fixtures");
const REAL = join(dirname(fileURLToPath(import.meta.url)), "../../generate/tests/fixtures/real");

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** Runs the real generator on a cog.yaml (and requirements.txt) in a fresh directory. */
function generateFrom(cogYaml: string, requirements?: string): CognixConfig {
  const dir = mkdtempSync(join(tmpdir(), "cognix-pyproject-"));
  temps.push(dir);
  writeFileSync(join(dir, "cog.yaml"), cogYaml);
  writeFileSync(join(dir, "predict.py"), "class Predictor:\n    def predict(self) -> str: ...\n");
  if (requirements !== undefined) writeFileSync(join(dir, "requirements.txt"), requirements);
  return generate(dir).config;
}

function table(doc: TomlTable, ...path: string[]): TomlTable {
  let t: TomlTable = doc;
  for (const p of path) t = t[p] as TomlTable;
  return t;
}

/** What every rendered pyproject.toml must say about its cognix.json. */
function checkInvariants(cognix: CognixConfig): TomlTable {
  const text = renderPyproject(cognix);
  expect(renderPyproject(structuredClone(cognix))).toBe(text);
  const doc = readToml(text);
  const project = table(doc, "project");
  expect(project["requires-python"]).toBe(requiresPythonFor(cognix.python.version));
  const deps = project["dependencies"] as string[];

  // The SDK: exactly the pinned one, or the newest cog of coglet's line and the newest coglet.
  const sdk = deps.filter((d) => ["cog", "coglet"].includes(parseRequirement(d)?.name ?? ""));
  expect(sdk).toEqual(cognix.cog.sdkVersion === null ? ["cog>=0.17.0", "coglet"] : [`cog==${cognix.cog.sdkVersion}`]);
  expect(deps.filter((d) => parseRequirement(d)?.name === "pip")).toHaveLength(1);
  // The model's own requirements, verbatim and in order (the SDK replaces any cog or coglet line).
  const own = cognix.python.requirements.filter((r) => {
    const name = parseRequirement(r)?.name;
    return name !== "cog" && name !== "coglet" && !(cognix.tensorflow !== null && name !== undefined && name.startsWith("tensorflow"));
  });
  expect(deps.filter((d) => own.includes(d))).toEqual(own);
  if (cognix.tensorflow !== null) expect(deps).toContain(cognix.tensorflow.package);

  const indexes = ((table(doc, "tool", "uv")["index"] ?? []) as TomlTable[]).filter(isTable);
  const sources = (table(doc, "tool", "uv")["sources"] ?? {}) as TomlTable;
  for (const idx of cognix.python.indexes) {
    const found = indexes.filter((i) => i["url"] === idx.url);
    expect(found, idx.url).toHaveLength(1);
    expect(found[0]!["explicit"]).toBe(idx.packages.length > 0);
    for (const pkg of idx.packages) expect(sources[pkg], pkg).toEqual({ index: found[0]!["name"] });
  }
  if (cognix.torch?.indexUrl) {
    const torchIndex = indexes.find((i) => i["url"] === cognix.torch!.indexUrl)!;
    expect(torchIndex["explicit"]).toBe(true);
    for (const name of ["torch", "torchvision", "torchaudio"]) {
      if (deps.some((d) => parseRequirement(d)?.name === name && parseRequirement(d)?.url === null)) {
        expect(sources[name], name).toEqual({ index: torchIndex["name"] });
      }
    }
  }
  // No index appears that cognix.json does not name.
  const named = new Set([...cognix.python.indexes.map((i) => i.url), ...(cognix.torch?.indexUrl ? [cognix.torch.indexUrl] : [])]);
  expect(new Set(indexes.map((i) => i["url"]))).toEqual(named);
  expect(new Set(indexes.map((i) => i["name"])).size).toBe(indexes.length);
  expect((table(doc, "tool", "uv")["find-links"] ?? []) as string[]).toEqual(cognix.python.findLinks ?? []);
  expect(table(doc, "tool", "cognix")["inputs-sha256"]).toBe(lockInputsSha256(lockInputs(cognix)));
  return doc;
}

const predict = "predict: predict.py:Predictor\n";

describe("renderPyproject for each resolution case", () => {
  it("a CPU model without torch: no index, PyPI only", () => {
    const cfg = generateFrom(`build:\n  python_version: "3.12"\n  python_packages:\n    - requests==2.32.3\n${predict}`);
    const doc = checkInvariants(cfg);
    expect(table(doc, "tool", "uv")["index"]).toBeUndefined();
    expect(table(doc, "tool", "uv")["sources"]).toBeUndefined();
  });

  it("CPU torch pinned: torch and torchvision come from the CPU index only", () => {
    const cfg = generateFrom(`build:\n  python_version: "3.11"\n  python_packages:\n    - torch==2.3.1\n    - torchvision==0.18.1\n${predict}`);
    expect(cfg.torch?.variant).toBe("cpu");
    const doc = checkInvariants(cfg);
    expect(table(doc, "tool", "uv", "sources")["torch"]).toEqual({ index: "pytorch-cpu" });
  });

  it("GPU torch pinned: the CUDA 12 index, explicit", () => {
    const cfg = generateFrom(`build:\n  gpu: true\n  python_version: "3.11"\n  python_packages:\n    - torch==2.3.1\n    - torchaudio==2.3.1\n${predict}`);
    expect(cfg.torch?.variant).toMatch(/^cu12/);
    const doc = checkInvariants(cfg);
    const idx = (table(doc, "tool", "uv")["index"] as TomlTable[])[0]!;
    expect(idx["url"]).toBe(cfg.torch!.indexUrl);
    expect(table(doc, "tool", "uv", "sources")["torchaudio"]).toEqual({ index: idx["name"] });
  });

  it("GPU torch as a range: from PyPI, as Cog installs it, with no PyTorch index", () => {
    const cfg = generateFrom(`build:\n  gpu: true\n  python_version: "3.11"\n  python_packages:\n    - torch>=2.1\n${predict}`);
    const doc = checkInvariants(cfg);
    expect(cfg.torch).toMatchObject({ version: "2.1", variant: "pypi", indexUrl: null });
    expect(table(doc, "tool", "uv")["index"]).toBeUndefined();
    expect(table(doc, "tool", "uv")["sources"]).toBeUndefined();
  });

  it("GPU torch as a range beside a pinned torchvision: both from torchvision's CUDA index", () => {
    const cfg = generateFrom(`build:\n  gpu: true\n  cuda: "12.1"\n  python_version: "3.11"\n  python_packages:\n    - torch>=2.1\n    - torchvision==0.18.1\n${predict}`);
    const doc = checkInvariants(cfg);
    expect(cfg.torch).toMatchObject({ variant: "cu121", indexUrl: "https://download.pytorch.org/whl/cu121" });
    expect(table(doc, "tool", "uv", "sources")).toEqual({ torch: { index: "pytorch-cu121" }, torchvision: { index: "pytorch-cu121" } });
  });

  it("torch from PyPI (no known build): no PyTorch index", () => {
    const cfg = generateFrom(`build:\n  python_version: "3.11"\n  python_packages:\n    - torch @ https://example.com/torch-2.3.1-cp311-cp311-linux_x86_64.whl\n${predict}`);
    const doc = checkInvariants(cfg);
    expect(table(doc, "project")["dependencies"]).toContain("torch @ https://example.com/torch-2.3.1-cp311-cp311-linux_x86_64.whl");
  });

  it("tensorflow: the package the generator chose", () => {
    const cfg = generateFrom(`build:\n  gpu: true\n  python_version: "3.11"\n  python_packages:\n    - tensorflow==2.14.0\n${predict}`);
    expect(cfg.tensorflow).not.toBeNull();
    checkInvariants(cfg);
  });

  it("requirements.txt with an extra index and find-links", () => {
    const cfg = generateFrom(
      `build:\n  python_version: "3.10"\n  python_requirements: requirements.txt\n${predict}`,
      "--extra-index-url https://example.com/simple\n--find-links https://example.com/wheels/\nfoo==1.0\nbar[baz]>=2; python_version >= \"3.8\"\n",
    );
    const doc = checkInvariants(cfg);
    const idx = (table(doc, "tool", "uv")["index"] as TomlTable[]).find((i) => i["url"] === "https://example.com/simple")!;
    expect(idx["explicit"]).toBe(false);
    expect(table(doc, "project")["dependencies"]).toContain('bar[baz]>=2; python_version >= "3.8"');
  });

  it("a patch version of Python is pinned exactly", () => {
    const cfg = generateFrom(`build:\n  python_version: "3.12.4"\n  python_packages:\n    - numpy\n${predict}`);
    expect(table(checkInvariants(cfg), "project")["requires-python"]).toBe("==3.12.4");
  });

  it("the cog SDK is pinned to build.sdk_version, replacing cog and coglet requirements", () => {
    const cfg = generateFrom(`build:\n  python_version: "3.11"\n  sdk_version: "0.16.8"\n  python_packages:\n    - cog==0.9.0\n    - coglet==0.1.0\n    - numpy\n${predict}`);
    const deps = table(checkInvariants(cfg), "project")["dependencies"] as string[];
    expect(deps).toEqual(["numpy", "cog==0.16.8", "pip"]);
  });

  it("without build.sdk_version: the newest cog and coglet, whatever the requirements say", () => {
    const cfg = generateFrom(`build:\n  python_version: "3.11"\n  python_packages:\n    - cog==0.9.0\n    - numpy\n${predict}`);
    expect(cfg.cog.sdkVersion).toBeNull();
    expect(table(checkInvariants(cfg), "project")["dependencies"]).toEqual(["numpy", "cog>=0.17.0", "coglet", "pip"]);
  });

  it("a pinned SDK (the last 0.16 one, as Python 3.9 gets): that cog alone, no coglet", () => {
    const cfg = generateFrom(`build:\n  python_version: "3.10"\n  sdk_version: "0.16.12"\n  python_packages:\n    - numpy\n${predict}`);
    expect(cfg.cog.sdkVersion).toBe("0.16.12");
    expect(table(checkInvariants(cfg), "project")["dependencies"]).toEqual(["numpy", "cog==0.16.12", "pip"]);
  });
});

describe("renderPyproject on real cog.yaml files", () => {
  const models = readdirSync(REAL, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  let rendered = 0;
  it.each(models)("%s", (model) => {
    const fixture = copyFixture(`real/${model}`);
    let cfg: CognixConfig;
    try {
      cfg = generate(fixture.dir).config;
    } catch (err) {
      // Models the generator rejects have nothing to render.
      expect(err).toBeInstanceOf(CognixError);
      return;
    } finally {
      fixture.cleanup();
    }
    checkInvariants(cfg);
    rendered += 1;
  });
  // The rest are refused by the generator, as Cog refuses most of them (Python below 3.10, missing files).
  it("rendered most of the real-world models", () => {
    expect(rendered).toBeGreaterThanOrEqual(Math.floor(models.length * 0.7));
  });
});

describe("lock inputs and files", () => {
  it("the inputs hash changes with a requirement, an index or the Python", () => {
    const cfg = generateFrom(`build:\n  python_version: "3.11"\n  python_packages:\n    - numpy==1.26.4\n${predict}`);
    const base = lockInputsSha256(lockInputs(cfg));
    const variants: CognixConfig[] = [
      { ...cfg, python: { ...cfg.python, requirements: ["numpy==1.26.3"] } },
      { ...cfg, python: { ...cfg.python, version: "3.12" } },
      { ...cfg, python: { ...cfg.python, indexes: [{ name: "x", url: "https://example.com/simple", packages: [] }] } },
      { ...cfg, cog: { sdkVersion: "0.16.1" } },
      { ...cfg, cog: { sdkVersion: "0.23.1" } },
    ];
    for (const v of variants) expect(lockInputsSha256(lockInputs(v))).not.toBe(base);
    // Fields that do not shape the lock leave it alone.
    expect(lockInputsSha256(lockInputs({ ...cfg, environment: { A: "1" }, warnings: ["w"] }))).toBe(base);
  });

  it("escapes quotes and backslashes so the file reads back as written", () => {
    const cfg = generateFrom(`build:\n  python_version: "3.11"\n  python_packages:\n    - numpy\n${predict}`);
    const odd = 'pkg @ file:///tmp/a\\"b.whl ; python_version < "3.12"';
    const doc = readToml(renderPyproject({ ...cfg, python: { ...cfg.python, requirements: [odd] } }));
    expect(table(doc, "project")["dependencies"]).toContain(odd);
  });

  it("writes pyproject.toml atomically, readable by the staleness check", () => {
    const cfg = generateFrom(`build:\n  gpu: true\n  python_version: "3.11"\n  python_packages:\n    - torch==2.3.1\n${predict}`);
    const dir = mkdtempSync(join(tmpdir(), "cognix-write-"));
    temps.push(dir);
    const file = writePyproject(dir, cfg);
    expect(readdirSync(dir)).toEqual(["pyproject.toml"]);
    const read = readPyprojectRequirements(file);
    expect(read.inputsSha256).toBe(lockInputsSha256(lockInputs(cfg)));
    const torch = read.requirements.find((r) => r.requirement.name === "torch")!;
    expect(torch.index).toBe(cfg.torch!.indexUrl);
  });

  it("a pyproject.toml older than cognix.json is named by the staleness check", () => {
    const cfg = generateFrom(`build:\n  python_version: "3.12"\n  python_packages:\n    - loguru>=0.7.3\n    - requests>=2.32.3\n${predict}`);
    const dir = mkdtempSync(join(tmpdir(), "cognix-outdated-"));
    temps.push(dir);
    writePyproject(dir, cfg);
    copyFileSync(join(LOCKS, "plain-cpu", "uv.lock"), join(dir, "uv.lock"));
    writeFileSync(join(dir, "cognix.json"), canonicalJson(cfg));
    expect(checkLockFresh(dir).changes.filter((c) => c.kind === "pyproject-outdated")).toEqual([]);
    writeFileSync(join(dir, "cognix.json"), canonicalJson({ ...cfg, python: { ...cfg.python, requirements: [...cfg.python.requirements, "numpy"] } }));
    expect(checkLockFresh(dir).changes).toContainEqual({ kind: "pyproject-outdated", file: join(dir, "pyproject.toml") });
  });
});
