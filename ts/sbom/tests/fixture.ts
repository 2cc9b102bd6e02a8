import type { ImageSpec } from "../../image/spec-types.ts";
import type { BomInputs } from "../inputs.ts";

const H = (c: string): string => c.repeat(32);
export const P = {
  glibc: `/nix/store/${H("a")}-glibc-2.40-66`,
  python: `/nix/store/${H("b")}-python3-3.12.8`,
  numpy: `/nix/store/${H("c")}-numpy-2.1.0`,
  venv: `/nix/store/${H("d")}-cog-python-env`,
  src: `/nix/store/${H("f")}-cog-model-src`,
  weights: `/nix/store/${H("g")}-cognix-weights-tiny`,
  unknown: `/nix/store/${H("h")}-libfoo-1.2.3-lib`,
};

/** A digested spec as build-spec writes it: closure, layers with digests, SBOM facts. */
export function sampleSpec(): ImageSpec {
  const node = (path: string, narSize: number, references: string[], narHash: string) => ({ path, narSize, references, narHash });
  const d = (c: string): string => `sha256:${c.repeat(64)}`;
  const bom: BomInputs = {
    nixpkgsRevision: "0123456789abcdef0123456789abcdef01234567",
    packages: [
      { path: P.glibc, pname: "glibc", version: "2.40-66" },
      { path: P.python, pname: "python3", version: "3.12.8" },
    ],
    python: [
      {
        path: P.numpy,
        name: "numpy",
        version: "2.1.0",
        url: "https://files.pythonhosted.org/packages/x/numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        sha256: "1".repeat(64),
      },
    ],
    weights: [
      {
        name: "tiny",
        source: "hf://org/tiny@0123abc",
        target: "/src/weights",
        mode: "build",
        path: P.weights,
        files: [{ path: "model.safetensors", size: 12, sha256: "2".repeat(64), urls: ["https://huggingface.co/org/tiny/resolve/0123abc/model.safetensors"] }],
      },
      {
        name: "late",
        source: "s3://bucket/late",
        target: "/src/late",
        mode: "runtime",
        files: [
          { path: "b.bin", size: 3, sha256: "3".repeat(64), urls: ["https://bucket.example/late/b.bin"] },
          { path: "a.bin", size: 5, sha256: "4".repeat(64), urls: [] },
        ],
      },
    ],
  };
  return {
    version: 1,
    name: "cog-model",
    tag: "latest",
    created: "1970-01-01T00:00:01Z",
    mtime: 1,
    architecture: "amd64",
    os: "linux",
    config: { Labels: { "run.cog.version": "0.16.12" } },
    closure: [
      node(P.glibc, 100, [], "sha256:1679d4lwjilgf2rc8vxp0cj4jcm8ay2qgl8b8xnabnbbx5j5pw9r"),
      node(P.python, 200, [P.glibc], `sha256:${"5".repeat(64)}`),
      node(P.numpy, 300, [P.python], "sha256-OfFbZOlr2aVsRwvRh4VXqDJJJAO3b8SycI9GySlp6Zg="),
      node(P.venv, 10, [P.numpy, P.python], `sha256:${"6".repeat(64)}`),
      node(P.src, 5, [], `sha256:${"7".repeat(64)}`),
      node(P.weights, 12, [], `sha256:${"8".repeat(64)}`),
      node(P.unknown, 7, [P.glibc], `sha256:${"9".repeat(64)}`),
    ],
    root: [],
    ownLayer: [],
    planner: { algorithm: "cognix-v1", maxLayers: 100, ownLayerThreshold: 4194304, buckets: 33 },
    layers: [
      { id: "store:glibc", kind: "store", paths: [P.glibc, P.unknown], diffId: d("a"), size: 1 },
      { id: "store:python", kind: "store", paths: [P.python, P.numpy], diffId: d("b"), size: 1 },
      { id: "store:weights", kind: "store", paths: [P.weights], diffId: d("c"), size: 1 },
      { id: "top", kind: "store", paths: [P.venv, P.src], diffId: d("e"), size: 1 },
    ],
    bom,
  };
}
