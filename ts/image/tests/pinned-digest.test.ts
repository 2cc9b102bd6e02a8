import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { digestSpec } from "../build-spec.ts";
import { dockerArchiveChunks } from "../docker-archive.ts";
import { layerChunks } from "../layer-source.ts";
import { digestedLayers } from "../oci-image.ts";
import { ociArchiveChunks } from "../oci-layout.ts";
import type { ImageSpec } from "../spec-types.ts";
import { tempDir } from "./helpers.ts";

/**
 * The bytes of a fixed input, pinned: any change to how layers are tarred,
 * streamed or wrapped changes these digests and fails here. The tree is
 * placed under fixed tar names with `copy` root entries, so the digests do
 * not depend on where the temporary directory is.
 */

/** Deterministic bytes (xorshift32), the same on every machine. */
function bytes(n: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const MiB = 1024 * 1024;
/** Sizes around every boundary the streamer has: tar blocks, small-file reads, read chunks. */
const SIZES = [0, 1, 511, 512, 513, 4096, 65535, 65536, 65537, 262143, 262145, MiB - 1, MiB, MiB + 7, 3 * MiB + 123];

function makeTree(root: string): void {
  mkdirSync(join(root, "bin"), { recursive: true });
  mkdirSync(join(root, "lib", "python3.11", "site-packages"), { recursive: true });
  mkdirSync(join(root, "empty"));
  SIZES.forEach((size, i) => writeFileSync(join(root, "lib", `blob-${String(i).padStart(2, "0")}-${size}.bin`), bytes(size, 1000 + i)));
  // Many small files, as a Python environment has.
  for (let p = 0; p < 30; p++) {
    const dir = join(root, "lib", "python3.11", "site-packages", `pkg${p}`);
    mkdirSync(dir);
    for (let f = 0; f < 12; f++) writeFileSync(join(dir, `m${f}.py`), bytes((p * 7919 + f * 104729) % 20000, p * 100 + f + 1));
  }
  writeFileSync(join(root, "bin", "tool"), "#!/bin/sh\necho tool\n");
  chmodSync(join(root, "bin", "tool"), 0o700);
  linkSync(join(root, "lib", "blob-13-1048583.bin"), join(root, "lib", "hard-to-big.bin"));
  symlinkSync("../lib/blob-05-4096.bin", join(root, "bin", "link"));
  symlinkSync(`/${"t".repeat(140)}/target`, join(root, "bin", "long-link"));
  const deep = join(root, "share", "d".repeat(90), "e".repeat(90));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, `${"f".repeat(120)}.txt`), "beyond ustar's 256 bytes\n");
  writeFileSync(join(root, "share", "ünïcødé-文件.txt"), "unicode\n");
}

function fixedSpec(tree: string, source: string): ImageSpec {
  return {
    version: 1, name: "pinned", tag: "v1", created: "2001-02-03T04:05:06Z", mtime: 981173106, architecture: "amd64", os: "linux",
    config: { Entrypoint: ["/bin/tool"], Env: ["PATH=/bin"], Labels: { "run.cog.version": "0.16.12" } },
    closure: [], root: [], ownLayer: [],
    planner: { algorithm: "test", maxLayers: 10, ownLayerThreshold: 0, buckets: 1 },
    layers: [
      { id: "tree", kind: "root", entries: [{ path: "/nix/store/00000000000000000000000000000000-tree", type: "copy", source: tree }] },
      { id: "src", kind: "root", entries: [{ path: "/src", type: "copy", source, layer: "own" }] },
      {
        id: "root",
        kind: "root",
        entries: [
          { path: "/tmp", type: "dir", mode: "1777" },
          { path: "/bin/sh", type: "symlink", target: "/nix/store/00000000000000000000000000000000-tree/bin/tool" },
          { path: "/etc/passwd", type: "file", mode: "0644", content: "root:x:0:0::/root:/bin/sh\n" },
          { path: "/etc/motd", type: "file", source: join(source, "predict.py") },
        ],
      },
    ],
  };
}

async function sha256Of(chunks: AsyncIterable<Buffer>): Promise<string> {
  const h = createHash("sha256");
  for await (const c of chunks) h.update(c);
  return `sha256:${h.digest("hex")}`;
}

describe("pinned bytes of a fixed input", () => {
  const tmp = tempDir("pinned");
  let spec: ImageSpec;

  beforeAll(async () => {
    const tree = join(tmp.dir, "tree");
    const source = join(tmp.dir, "src");
    makeTree(tree);
    mkdirSync(source);
    writeFileSync(join(source, "predict.py"), "from cog import BasePredictor\n");
    writeFileSync(join(source, "cog.yaml"), "build:\n  python_version: '3.11'\n");
    spec = await digestSpec(fixedSpec(tree, source));
  });
  afterAll(() => tmp.cleanup());

  it("digests every layer, the config and the manifest to the pinned values", () => {
    expect(spec.layers.map((l) => [l.id, l.diffId, l.size])).toEqual([
      ["tree", "sha256:eb1add5d416fa97d79d15f4d8051a8edfc304afea1411411c36085f8912dcc3c", 10953728],
      ["src", "sha256:41deac5241c5493a8111edecd329142b93a7248f09af7a660a19fd352ddc033e", 3584],
      ["root", "sha256:ce2d9671640c531ec5379b37d0d4bbfa9e1ccac10df1e8fc44f1d9954cc4e612", 5120],
    ]);
    expect(spec.layers[0]?.hardlinks).toEqual({
      "nix/store/00000000000000000000000000000000-tree/lib/hard-to-big.bin": "nix/store/00000000000000000000000000000000-tree/lib/blob-13-1048583.bin",
    });
    expect([spec.configDigest, spec.manifestDigest]).toEqual([
      "sha256:e184ca0885f051cc67f60df9321fd28cb210fdca2010f154130f09c872c5e9c7",
      "sha256:d758ac924b426659703e97d8053988213c249866b3f0efc50e01c8bbe873edf8",
    ]);
  });

  it("streams each layer, the docker-archive and the OCI archive to the pinned bytes", async () => {
    for (const layer of digestedLayers(spec)) {
      expect(await sha256Of(layerChunks(spec, layer, "pair"))).toBe(layer.diffId);
      expect(await sha256Of(layerChunks(spec, layer, "worker"))).toBe(layer.diffId);
    }
    expect(await sha256Of(dockerArchiveChunks(spec, "pinned:v1"))).toBe("sha256:de6687db220d001bdd65d7c1f987d5714d2bfbd9ab4911338e8adf56315c332c");
    expect(await sha256Of(ociArchiveChunks(spec, "v1"))).toBe("sha256:824ac8b6079bbf9ecc10f037ac4c00ef5179b677f37e8b7647868fe4cdef139f");
  });
});
