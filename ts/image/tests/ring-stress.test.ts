import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { digestSpec } from "../build-spec.ts";
import { dockerArchiveChunks } from "../docker-archive.ts";
import { digestLayer, layerChunks } from "../layer-source.ts";
import type { ImageSpec, LayerSpec } from "../spec-types.ts";
import { REPO, runCli, tempDir, TOOL_ARGS } from "./helpers.ts";
import { readTar } from "./tar-reader.ts";

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

  it("streams every layer of an archive as digested", async () => {
    const s = await digestSpec(spec(layers));
    const parts: Buffer[] = [];
    for await (const c of dockerArchiveChunks(s, "r:r")) parts.push(c);
    const entries = readTar(Buffer.concat(parts)).filter((e) => e.name.endsWith("/layer.tar"));
    expect(entries.map((e) => `sha256:${e.name.slice(0, 64)}`)).toEqual(s.layers.map((l) => l.diffId));
    for (const e of entries) expect(`sha256:${createHash("sha256").update(e.content).digest("hex")}`).toBe(`sha256:${e.name.slice(0, 64)}`);
  });

  it("ends a load whose reader goes away, with layers larger than their ring", () => {
    const dir = join(tmp.dir, "big");
    const big: LayerSpec[] = [0, 1, 2].map((i) => {
      const p = join(dir, `b${i}`);
      mkdirSync(p, { recursive: true });
      writeFileSync(join(p, "f"), Buffer.alloc(12 * 1024 * 1024, i + 1));
      return { id: `b${i}`, kind: "store", paths: [p] };
    });
    const plan = join(dir, "plan.json");
    writeFileSync(plan, JSON.stringify(spec(big)));
    const digested = join(dir, "spec.json");
    expect(runCli(["digest", "--spec", plan, "--out", digested]).code).toBe(0);
    // `head` leaves after the first MiB; the layer being written must not
    // keep its workers waiting on a full ring.
    const r = spawnSync("sh", ["-c", `"$@" | head -c 1000000 > /dev/null`, "sh", process.execPath, ...TOOL_ARGS, "load", "--spec", digested], {
      cwd: REPO,
      timeout: 30_000,
    });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
  }, 60_000);
});
