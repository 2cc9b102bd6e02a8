// Images to push: layers of deterministic bytes and their config.
import { Readable } from "node:stream";
import { makeTar, noise, sha256 } from "../../../testkit/tar.ts";
import type { PushLayer } from "../../push.ts";

export function layerOf(tar: Buffer): PushLayer {
  return { diffId: sha256(tar), size: tar.length, open: () => Readable.from([tar]) };
}

export function configFor(layers: PushLayer[], extra: Record<string, unknown> = {}): Buffer {
  const cfg = {
    architecture: "amd64",
    os: "linux",
    config: { Cmd: ["/bin/true"], ...extra },
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
  };
  return Buffer.from(JSON.stringify(cfg));
}

/** An image of `n` small layers; images of different seeds share no layer. */
export function makeImage(n: number, seedBase = 1, bytes = 4096): { tars: Buffer[]; layers: PushLayer[]; config: Buffer } {
  const tars = Array.from({ length: n }, (_, i) =>
    makeTar([{ name: `layer${i}/data.bin`, content: noise(seedBase * 1000 + i, bytes) }, { name: `layer${i}/note.txt`, content: `layer ${i}\n` }]),
  );
  const layers = tars.map(layerOf);
  return { tars, layers, config: configFor(layers) };
}
