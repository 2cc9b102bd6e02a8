import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nixBuild, nixEvalJson, nixUnavailable } from "../../../ts/testkit/nix-eval.ts";
import { FIXTURES, TESTS_DIR } from "./paths.ts";

const repo = join(TESTS_DIR, "..", "..", "..");
const typescriptDir = join(repo, "node_modules", "typescript");
const missing = [
  nixUnavailable(),
  existsSync(join(repo, "lib", "tests", "harness.nix")) ? null : "lib/tests/harness.nix (the stub package set)",
  existsSync(join(repo, "ts", "image", "main.ts")) ? null : "the image tool sources (ts/image/main.ts)",
  existsSync(join(typescriptDir, "bin", "tsc")) ? null : "node_modules/typescript",
].filter((m): m is string => m !== null);
if (missing.length > 0) console.warn(`skipping the python layer test: missing ${missing.join(", ")}`);

interface Spec {
  layers: { kind: string; id: string; paths?: string[] }[];
}

describe("image layers of a uv.lock environment (stub packages)", () => {
  it.skipIf(missing.length > 0)("puts every big distribution of the torch CUDA lock in a layer of its own", () => {
    const args = `{ typescriptDir = ${JSON.stringify(typescriptDir)}; workspaceRoot = ${join(FIXTURES, "torch-cuda")}; pythonVersion = "3.12"; }`;
    const expr = `import ${join(TESTS_DIR, "image-layers.nix")} ${args}`;
    const info = nixEvalJson<{ packages: Record<string, string>; big: Record<string, boolean> }>(`let r = ${expr}; in { inherit (r) packages big; }`);
    const spec = JSON.parse(readFileSync(nixBuild(`(${expr}).spec`), "utf8")) as Spec;
    const layerOf = (path: string) => spec.layers.filter((l) => l.paths?.includes(path));

    const big = Object.keys(info.big).filter((n) => info.big[n]);
    // torch and the nvidia-* stack are the reason layers matter here.
    expect(big).toEqual(expect.arrayContaining(["torch", "triton", "nvidia-cudnn-cu12", "nvidia-cublas-cu12"]));
    for (const [name, path] of Object.entries(info.packages)) {
      const layers = layerOf(path);
      expect(layers, `${name} is in exactly one layer`).toHaveLength(1);
      if (info.big[name]) expect(layers[0]!.paths, `${name} has its own layer`).toEqual([path]);
    }
  });
});
