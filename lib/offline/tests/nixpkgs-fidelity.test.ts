// The offline package set answers as nixpkgs does where cognix depends on it:
// CUDA sets are scopes under nixpkgs' names, removed versions and the xorg
// set are nixpkgs' aliases, and unfree or broken packages are refused by the
// same config keys with the same kind of message (pkgs/stdenv/generic/check-meta.nix).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasNix, inputAvailable } from "../../tests/nix-eval.ts";
import { hostFacts, offlineMissing, repo } from "../../../ts/testkit/offline.ts";

const ok = hasNix() && inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib");
if (!ok) console.warn("lib/offline: skipping the nixpkgs fidelity tests: nix or the nixpkgs-lib input is missing");

const nixEnv = { ...process.env, NIX_CONFIG: "experimental-features = nix-command flakes" };

/** Evaluates `body` with `p` = the offline set for `config` (and `lib`); `host`: a host facts file. */
function run(body: string, config = "{ }", env: Record<string, string> = {}, host = "null"): { status: number; stdout: string; stderr: string } {
  const expr = `let lib = import ((import ${join(repo, "lib", "python", "inputs.nix")} { }).nixpkgs-lib.outPath + "/lib");
    p = import ${join(repo, "lib", "offline")} { inherit lib; host = ${host}; config = ${config}; }; in ${body}`;
  const r = spawnSync("nix", ["eval", "--offline", "--impure", "--json", "--expr", expr], { encoding: "utf8", env: { ...nixEnv, ...env } });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
function value<T>(body: string, config?: string, env?: Record<string, string>): T {
  const r = run(body, config, env);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}
function refusal(body: string, config?: string, env?: Record<string, string>): string {
  const r = run(body, config, env);
  expect(r.status, r.stdout).not.toBe(0);
  return r.stderr;
}

const DRV = /^\/nix\/store\/[0-9a-z]{32}-cuda12\.8-[^/]+\.drv$/;

describe.skipIf(!ok)("CUDA package sets", () => {
  it("are lib.makeScope scopes under nixpkgs' names, with its aliases for the default sets", () => {
    const sets = value<Record<string, string>>(
      `lib.mapAttrs (_: s: s.cudaMajorMinorVersion) { inherit (p) cudaPackages_12_6 cudaPackages_12_8 cudaPackages_12_9 cudaPackages_13_0 cudaPackages_12 cudaPackages_13 cudaPackages; }`,
    );
    expect(sets).toEqual({ cudaPackages_12_6: "12.6", cudaPackages_12_8: "12.8", cudaPackages_12_9: "12.9", cudaPackages_13_0: "13.0", cudaPackages_12: "12.9", cudaPackages_13: "13.2", cudaPackages: "12.9" });
    // overrideScope reaches the packages built from the scope (nccl uses its cuda_nvcc).
    const name = value<string>(`((p.cudaPackages_12_8.overrideScope (f: prev: { cuda_nvcc = prev.cuda_nvcc // { marker = "mine"; }; })).cuda_nvcc.marker)`);
    expect(name).toBe("mine");
    expect(value<string[]>(`p.cudaPackages_12_8.cuda_cudart.outputs`)).toEqual(["out", "dev", "include", "lib", "static", "stubs"]);
  });

  it("removed versions throw nixpkgs' message, and are absent with allowAliases = false", () => {
    for (const v of ["11", "11_0", "11_8", "12_0", "12_4", "12_5"]) {
      const err = refusal(`p.cudaPackages_${v}.cudnn`);
      expect(err, v).toContain(`CUDA ${v.replace("_", ".")} has been removed from Nixpkgs, as it is unmaintained upstream and depends on unsupported compilers`);
    }
    expect(value<boolean[]>(`[ (p ? cudaPackages_12_4) (p ? cudaPackages_11) (p ? xorg) ]`, "{ allowAliases = false; }")).toEqual([false, false, false]);
  });

  it("CUDA redistributables carry NVIDIA's licence and are broken without cudaSupport", () => {
    const meta = value<{ license: string[]; broken: boolean; unfree: boolean }>(
      `let m = p.cudaPackages_12_8.libcublas.meta; in { license = map (l: l.shortName) m.license; inherit (m) broken unfree; }`,
    );
    expect(meta).toEqual({ license: ["CUDA EULA"], broken: true, unfree: true });
    expect(value<boolean>(`p.cudaPackages_12_8.libcublas.meta.broken`, "{ cudaSupport = true; }")).toBe(false);
  });
});

describe.skipIf(!ok)("check-meta's refusals", () => {
  const cudnn = "p.cudaPackages_12_8.cudnn.lib.drvPath";

  it("an unfree licence, unless allowUnfree, allowUnfreePredicate, allowUnfreePackages or NIXPKGS_ALLOW_UNFREE=1 allows it", () => {
    const err = refusal(cudnn);
    expect(err).toContain("Refusing to evaluate package 'cuda12.8-cudnn-9' in ");
    expect(err).toContain("because it has an unfree license (‘cuDNN EULA’)");
    expect(err).toContain("$ export NIXPKGS_ALLOW_UNFREE=1");
    const cuda = "{ cudaSupport = true; ";
    expect(value<string>(cudnn, `${cuda} allowUnfree = true; }`)).toMatch(DRV);
    // nixpkgs' CUDA predicate, as the set's own `_cuda` has it.
    expect(value<string>(cudnn, `${cuda} allowUnfreePredicate = (import ${join(repo, "lib", "offline")} { })._cuda.lib.allowUnfreeCudaPredicate; }`)).toMatch(DRV);
    expect(value<string>(cudnn, `${cuda} allowUnfreePackages = [ "cudnn" ]; }`)).toMatch(DRV);
    expect(refusal("p.cudaPackages_12_8.libcublas.drvPath", `${cuda} allowUnfreePackages = [ "cudnn" ]; }`)).toContain("'cuda12.8-libcublas-12.8.1'");
    expect(value<string>(cudnn, `${cuda} }`, { NIXPKGS_ALLOW_UNFREE: "1" })).toMatch(DRV);
  });

  it("nixpkgs' CUDA predicate allows NVIDIA's licences and free ones, nothing else", () => {
    const allowed = value<boolean[]>(
      `map p._cuda.lib.allowUnfreeCudaPredicate [
         { meta.license = [ lib.licenses.nvidiaCudaRedist ]; } { meta.license = p._cuda.lib.licenses.cudnn; }
         { meta.license = lib.licenses.mit; } { meta.license = lib.licenses.unfree; } { meta.license = [ lib.licenses.nvidiaCuda lib.licenses.unfree ]; } ]`,
    );
    expect(allowed).toEqual([true, true, true, false, false]);
  });

  it("broken, unless allowBroken, allowBrokenPredicate or a problems handler allows it", () => {
    const unfree = "allowUnfree = true;";
    const err = refusal(cudnn, `{ ${unfree} }`);
    expect(err).toMatch(/because it has problems:\n\s*- broken: This package is broken\./);
    expect(err).toContain('cudnn.broken = "warn"; # or "ignore"');
    expect(value<string>(cudnn, `{ ${unfree} allowBroken = true; }`)).toMatch(DRV);
    expect(value<string>(cudnn, `{ ${unfree} allowBrokenPredicate = a: lib.getName a == "cudnn"; }`)).toMatch(DRV);
    expect(value<string>(cudnn, `{ ${unfree} problems.handlers.cudnn.broken = "ignore"; }`)).toMatch(DRV);
    const warned = run(cudnn, `{ ${unfree} problems.handlers.cudnn.broken = "warn"; }`);
    expect(warned.status).toBe(0);
    expect(warned.stderr).toContain("Package 'cuda12.8-cudnn-9' in ");
    expect(warned.stderr).toContain("has the following problem: broken: This package is broken.");
    // A matcher may only make it stricter than nixpkgs' default.
    expect(refusal(cudnn, `{ ${unfree} problems.matchers = [ { kind = "broken"; handler = "ignore"; } ]; }`)).toContain("broken: This package is broken.");
  });

  it("NCCL, free itself, is refused with the CUDA compiler it is built with", () => {
    const err = refusal("p.cudaPackages_12_8.nccl.drvPath");
    expect(err).toMatch(/Refusing to evaluate package 'cuda12\.8-(cuda_nvcc|cuda_cudart)-12\.8\.1'/);
    expect(value<boolean>("p.cudaPackages_12_8.nccl.meta.unfree")).toBe(false);
  });
});

describe.skipIf(!ok)("the X11 libraries", () => {
  it.skipIf(offlineMissing().length > 0)("xorg.<Name> is the lowercase top-level package, with nixpkgs' deprecation warning", () => {
    const r = run("p.xorg.libX11.outPath == p.libx11.outPath", "{ }", {}, hostFacts());
    expect(r.stderr).toContain("The xorg package set has been deprecated, 'xorg.libX11' has been renamed to 'libx11'");
    expect(r.stdout.trim()).toBe("true");
    expect(value<string[]>("builtins.attrNames p.xorg")).toEqual(["libICE", "libSM", "libX11", "libXext", "libXrender", "libxcb"]);
  });
});
