import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { digestLayer, layerChunks } from "../layer-source.ts";
import type { ImageSpec, LayerSpec } from "../spec-types.ts";
import { tempDir } from "./helpers.ts";

/**
 * Many short layers one after another through the same worker threads and
 * reused rings, some streams abandoned after their first chunk: every digest
 * and every complete stream must still come out right, and nothing may hang
 * (a worker left waiting on a ring would keep the next job from starting).
 */
describe("layer rings under many short streams", () => {
  const tmp = tempDir("ring");
  const layers: LayerSpec[] = [];
  const spec = (l: LayerSpec[]): ImageSpec => ({
    version: 1, name: "r", tag: "r", created: "1970-01-01T00:00:01Z", mtime: 1, architecture: "amd64", os: "linux",
    config: {}, closure: [], root: [], ownLayer: [],
    planner: { algorithm: "test", maxLayers: 10, ownLayerThreshold: 0, buckets: 1 }, layers: l,
  });

  beforeAll(() => {
    for (let i = 0; i < 12; i++) {
      const dir = join(tmp.dir, `p${i}`);
      mkdirSync(dir);
      // From one block to several ring slots, so producers both finish early and wait on a full ring.
      writeFileSync(join(dir, "f"), Buffer.alloc(i * 300_000 + 10, i));
      layers.push({ id: `p${i}`, kind: "store", paths: [dir] });
    }
  });
  afterAll(() => tmp.cleanup());

  it("digests and streams 300 layers without a hang, stopping some streams early", async () => {
    const s = spec(layers);
    for (let round = 0; round < 25; round++) {
      for (const [i, l] of layers.entries()) {
        const d = await digestLayer(s, l);
        const h = createHash("sha256");
        let n = 0;
        for await (const c of layerChunks(s, { ...l, ...d })) {
          h.update(c);
          // Every third stream is abandoned after its first chunk.
          if (i % 3 === round % 3 && ++n === 1) break;
        }
        if (n === 0) expect(`sha256:${h.digest("hex")}`).toBe(d.diffId);
      }
    }
  }, 110_000);
});
