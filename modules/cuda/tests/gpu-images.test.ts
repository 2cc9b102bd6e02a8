// GPU images with a package set that behaves like nixpkgs (lib/offline): the
// CUDA libraries come from an instance imported for CUDA, nixpkgs' refusals
// when they do not, none from nixpkgs when uv.lock has NVIDIA's wheels, the
// driver's directories and TRITON_LIBCUDA_PATH at start.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nixEvalExpr } from "../../../ts/testkit/nix-eval.ts";
import { hostFacts, offlineMissing, repo } from "../../../ts/testkit/offline.ts";

const missing = offlineMissing();
if (missing.length > 0) console.warn(`modules/cuda: skipping the GPU image tests: missing ${missing.join(", ")}`);

const TORCH_CUDA_LOCK = join(repo, "lib", "python", "tests", "fixtures", "torch-cuda");
const DRIVER_DIRS = ["/usr/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/local/nvidia/bin"];

/** `(import gpu-case.nix { … }).attr` with the given Nix arguments. */
function caseExpr(attr: string, args = ""): string {
  return `(import ${join(repo, "modules", "cuda", "tests", "gpu-case.nix")} {
    host = ${hostFacts()}; typescriptDir = ${JSON.stringify(join(repo, "node_modules", "typescript"))}; ${args}
  }).${attr}`;
}
function evalOk<T>(attr: string, args = ""): T {
  const r = nixEvalExpr(caseExpr(attr, args));
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}
function evalError(attr: string, args = ""): string {
  const r = nixEvalExpr(caseExpr(attr, args));
  expect(r.status, `expected ${attr} to fail, got ${r.stdout.slice(0, 200)}`).not.toBe(0);
  return r.stderr;
}

const DRV = /^\/nix\/store\/[0-9a-z]{32}-[^/]+\.drv$/;
const lockArgs = (dir: string) => `example = "torch-demo"; lock = ${dir};`;

describe.skipIf(missing.length > 0)("examples/gpu (no NVIDIA wheels: CUDA from nixpkgs)", () => {
  it("evaluates to a derivation with the CUDA instance cognix imports: cudaSupport and nixpkgs' CUDA licence predicate", () => {
    expect(evalOk<string>("drvPath")).toMatch(DRV);
    const cuda = evalOk<{ cudaSupport: boolean; allows: Record<string, boolean> }>("cudaPkgs");
    expect(cuda.cudaSupport).toBe(true);
    expect(cuda.allows).toEqual({ "CUDA EULA": true, "cuDNN EULA": true, Mine: false, Other: false });
    // CUDA 12.4 is gone from nixpkgs; the next minor it has serves.
    expect(evalOk<string[]>("packages")).toEqual(
      ["cuda_cudart", "libcublas", "libcufft", "libcurand", "libcusolver", "libcusparse", "cuda_nvrtc"].map((n) => `cuda12.6-${n}-12.6.3`).concat(["cuda12.6-cudnn-9"]),
    );
  });

  it("is refused as nixpkgs refuses it when the CUDA package set's config allows no unfree licence", () => {
    const err = evalError("drvPath", "cudaPkgsConfig = { };");
    expect(err).toContain("Refusing to evaluate package 'cuda12.6-cuda_cudart-12.6.3' in ");
    expect(err).toContain("because it has an unfree license (‘CUDA EULA’)");
    expect(err).toContain("{ nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [");
  });

  it("is refused as broken when the CUDA package set allows the licences but lacks cudaSupport", () => {
    const err = evalError("drvPath", "cudaPkgsConfig = { allowUnfree = true; };");
    expect(err).toContain("Refusing to evaluate package 'cuda12.6-cuda_cudart-12.6.3' in ");
    expect(err).toMatch(/because it has problems:\n\s*- broken: This package is broken\./);
    expect(err).toContain('cuda_cudart.broken = "warn"; # or "ignore"');
  });

  it("uses a package set imported with cudaSupport as it is", () => {
    expect(evalOk<string>("drvPath", "config = { cudaSupport = true; allowUnfree = true; };")).toMatch(DRV);
    expect(evalOk<string>("drvPath", "cudaPkgsConfig = { cudaSupport = true; allowUnfree = true; };")).toMatch(DRV);
  });

  it("puts the user's nixpkgs config under cognix's CUDA keys; the user's predicate still allows what it allowed", () => {
    const args = `nixpkgsConfig = { allowUnfreePredicate = p: builtins.any (l: l.shortName or "" == "Mine") (if builtins.isList p.meta.license then p.meta.license else [ p.meta.license ]); cudaCapabilities = [ "8.9" ]; };`;
    const cuda = evalOk<{ cudaSupport: boolean; allows: Record<string, boolean>; userKeys: string[] }>("cudaPkgs", args);
    expect(cuda).toEqual({ cudaSupport: true, allows: { "CUDA EULA": true, "cuDNN EULA": true, Mine: true, Other: false }, userKeys: ["cudaCapabilities"] });
    expect(evalOk<string>("drvPath", args)).toMatch(DRV);
  });

  it("lists the driver's directories after the nixpkgs libraries, /usr/lib64 and /usr/local/nvidia/lib among them", () => {
    const path = evalOk<string[]>("ldLibraryPath");
    expect(path.slice(-DRIVER_DIRS.length)).toEqual(DRIVER_DIRS);
    expect(path.slice(0, -DRIVER_DIRS.length).every((d) => /^\/nix\/store\/[0-9a-z]{32}-cuda12\.6-[^/]+-lib\/lib$/.test(d))).toBe(true);
  });

  it("starts through /sbin/cognix-cuda-env, a root file of the image", () => {
    expect(evalOk<string[]>("entrypoint")).toEqual(["/sbin/tini", "--", "/sbin/cognix-cuda-env"]);
    const root = evalOk<{ mode: string; type: string; content: string }[]>("root");
    expect(root).toHaveLength(1);
    expect(root[0]).toMatchObject({ mode: "0555", type: "file" });
    expect(root[0]!.content).toBe(evalOk<string>("driverEnv"));
  });

  it("warns about the replacement set only when cognix chose it, not when the user named it", () => {
    expect(evalOk<string[]>("warnings")).toEqual([
      "cuda: this nixpkgs has no usable `cudaPackages_12_4`; using `cudaPackages_12_6` (same CUDA major, compatible with code built for 12.4). Set `cuda.packageSet` to choose another.",
    ]);
    // The very set cognix would pick, named by the user: no warning.
    expect(evalOk<string[]>("warnings", `modules = [ ({ config, ... }: { cuda.packageSet = config.cuda.pkgs.cudaPackages_12_6; }) ];`)).toEqual([]);
  });

  it("reads only the attributes it uses of a CUDA set (throwing and warning aliases stay untouched)", () => {
    const mods = `modules = [ ({ config, lib, ... }: { cuda.packageSet = config.cuda.pkgs.cudaPackages_12_8 // {
      cudatoolkit_11 = throw "a removed alias was forced";
      old = lib.warn "a deprecated alias was forced" null;
    }; }) ];`;
    const r = nixEvalExpr(caseExpr("packages", mods));
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toContain("cuda12.8-cudnn-9");
  });

  it("refuses a removed CUDA version with nixpkgs' message, through cuda.packageSet", () => {
    const err = nixEvalExpr(
      `let inputs = import ${join(repo, "lib", "python", "inputs.nix")} { }; lib = import (inputs.nixpkgs-lib.outPath + "/lib");
       in (import ${join(repo, "lib", "offline")} { inherit lib; }).cudaPackages_12_4.cudnn`,
    ).stderr;
    expect(err).toContain("CUDA 12.4 has been removed from Nixpkgs, as it is unmaintained upstream and depends on unsupported compilers");
    const failed = evalOk<string[]>("failed", `modules = [ ({ lib, ... }: { cuda.version = lib.mkForce "11.8"; }) ];`);
    expect(failed).toEqual(["cuda.packageSet: CUDA 11.8 is not available in this nixpkgs (no usable `cudaPackages_11_8`); set `cuda.packageSet` to a CUDA package set."]);
  });
});

describe.skipIf(missing.length > 0)("examples/torch-demo without a lock (a stand-in environment: CUDA from nixpkgs)", () => {
  it("evaluates to a derivation with cognix's CUDA instance, and is refused by a package set that allows no unfree licence", () => {
    expect(evalOk<string>("drvPath", `example = "torch-demo";`)).toMatch(DRV);
    expect(evalOk<string[]>("warnings", `example = "torch-demo";`)).toEqual([]);
    expect(evalOk<string[]>("packages", `example = "torch-demo";`)).toContain("cuda12.6-cuda_cudart-12.6.3");
    expect(evalError("drvPath", `example = "torch-demo"; cudaPkgsConfig = { };`)).toContain("because it has an unfree license (‘CUDA EULA’)");
  });
});

describe.skipIf(missing.length > 0)("examples/torch-demo with a torch CUDA lock (NVIDIA's wheels)", () => {
  it("adds no nixpkgs CUDA library: nothing in the image, only the driver on LD_LIBRARY_PATH", () => {
    expect(evalOk<string[]>("libraries", lockArgs(TORCH_CUDA_LOCK))).toEqual([]);
    expect(evalOk<string[]>("packages", lockArgs(TORCH_CUDA_LOCK))).toEqual([]);
    expect(evalOk<string[]>("ldLibraryPath", lockArgs(TORCH_CUDA_LOCK))).toEqual(DRIVER_DIRS);
  });

  it("evaluates to a derivation even with a package set that refuses every CUDA package", () => {
    expect(evalOk<string>("drvPath", `${lockArgs(TORCH_CUDA_LOCK)} cudaPkgsConfig = { };`)).toMatch(DRV);
  });

  it("puts a nixpkgs library asked for by hand after every wheel's CUDA libraries", () => {
    const path = evalOk<string[]>("ldLibraryPath", `${lockArgs(TORCH_CUDA_LOCK)} modules = [ { cuda.libraries = [ "cuda_nvrtc" ]; } ];`);
    const nixpkgsAt = path.findIndex((d) => d.includes("-cuda12.6-cuda_nvrtc-"));
    expect(nixpkgsAt).toBeGreaterThan(0);
    const wheels = path.filter((d) => /site-packages\/(nvidia\/[a-z_]+|torch)\/lib$/.test(d));
    expect(wheels.map((d) => d.replace(/.*site-packages\//, ""))).toEqual(
      expect.arrayContaining(["nvidia/cuda_nvrtc/lib", "nvidia/cuda_runtime/lib", "nvidia/cublas/lib", "nvidia/cudnn/lib", "torch/lib"]),
    );
    for (const w of wheels) expect(path.indexOf(w)).toBeLessThan(nixpkgsAt);
    expect(path.slice(-DRIVER_DIRS.length)).toEqual(DRIVER_DIRS);
  });
});

describe.skipIf(missing.length > 0)("/sbin/cognix-cuda-env", () => {
  const dir = mkdtempSync(join(tmpdir(), "cognix-cuda-env-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const dirs = ["a", "b", "c"].map((d) => join(dir, d));
  for (const d of dirs) mkdirSync(d);
  const script = join(dir, "cognix-cuda-env");

  function run(env: Record<string, string> = {}): string {
    const r = spawnSync("/bin/sh", [script, "/bin/sh", "-c", 'printf %s "${TRITON_LIBCUDA_PATH-unset}"'], {
      encoding: "utf8",
      env: { PATH: "/usr/bin:/bin", ...env },
    });
    expect(r.stderr).toBe("");
    return r.stdout;
  }

  it("sets TRITON_LIBCUDA_PATH to the first driver directory holding libcuda.so.1, then runs the command", () => {
    const content = evalOk<string>("driverEnv", `modules = [ { cuda.driverLibraryPath = ${`[ ${dirs.map((d) => JSON.stringify(d)).join(" ")} ]`}; } ];`);
    writeFileSync(script, content, { mode: 0o755 });
    expect(run()).toBe("unset");
    writeFileSync(join(dirs[2]!, "libcuda.so.1"), "");
    expect(run()).toBe(dirs[2]);
    writeFileSync(join(dirs[1]!, "libcuda.so.1"), "");
    expect(run()).toBe(dirs[1]);
    // A value set for the container wins.
    expect(run({ TRITON_LIBCUDA_PATH: "/opt/driver" })).toBe("/opt/driver");
  });
});
