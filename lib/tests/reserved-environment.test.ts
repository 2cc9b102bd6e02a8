// cognix generate (TS) and modules/cog (Nix) reserve the same environment
// names: both read lib/data/reserved-environment.json.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reservedBy } from "../../ts/generate/environment.ts";
import { hasNix, inputAvailable, nixEvalExpr } from "../../ts/testkit/nix-eval.ts";

const repo = join(import.meta.dirname, "..", "..");
const libOk = hasNix() && inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib");
if (!libOk) console.warn("lib/tests: skipping the reserved-environment check: `nix` or the nixpkgs-lib input is missing");

const names = ["PATH", "PATHS", "LD_LIBRARY_PATH", "CUDA_HOME", "CUDA_", "NVIDIA_VISIBLE_DEVICES", "NV_X", "NVX", "R8_TOKEN", "REPLICATE_API_TOKEN", "HF_ENDPOINT", "HF_HOME", "KUBERNETES_SERVICE_HOST", "MY_VAR"];

describe.skipIf(!libOk)("reserved environment names", () => {
  it("are the same for cognix generate and modules/cog", () => {
    const lib = `(import ${join(repo, "lib", "tests", "inputs.nix")}).lib`;
    const r = nixEvalExpr(`map (import ${join(repo, "lib", "internal.nix")} { lib = ${lib}; }).reservedBy (builtins.fromJSON ${JSON.stringify(JSON.stringify(names))})`);
    expect(r.stderr).toBe("");
    const nix = JSON.parse(r.stdout) as (string | null)[];
    expect(nix).toEqual(names.map((n) => reservedBy(n) ?? null));
    // Both reserve exact names and prefixes, and leave others alone.
    expect(nix.filter((p) => p !== null).length).toBe(10);
    expect(nix[names.indexOf("MY_VAR")]).toBeNull();
    expect(nix[names.indexOf("CUDA_HOME")]).toBe("CUDA_*");
  });
});
