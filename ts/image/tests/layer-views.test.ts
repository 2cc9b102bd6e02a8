import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { compressedStream } from "../../registry/compress.ts";
import { verifiedDigestOf } from "../../registry/verified-stream.ts";
import { acquireRing, createRing, releaseRing, RingConsumer } from "../chunk-ring.ts";
import { digestLayer, layerChunks, openLayerStream } from "../layer-source.ts";
import type { DigestedLayer, ImageSpec, LayerSpec } from "../spec-types.ts";
import { tempDir } from "./helpers.ts";

const spec = (layers: LayerSpec[]): ImageSpec => ({
  version: 1, name: "v", tag: "v", created: "1970-01-01T00:00:01Z", mtime: 1, architecture: "amd64", os: "linux",
  config: {}, closure: [], root: [], ownLayer: [],
  planner: { algorithm: "test", maxLayers: 10, ownLayerThreshold: 0, buckets: 1 }, layers,
});

async function all(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/**
 * A push reads a layer's shared buffers in place (views), straight into the
 * compressor: the blob must be the one the copying stream gives, over a layer
 * several times the ring's size (the ring wraps while views are held).
 */
describe("layer views into the compressor", () => {
  const tmp = tempDir("views");
  let layer: DigestedLayer;
  let s: ImageSpec;

  beforeAll(async () => {
    const p = join(tmp.dir, "p");
    mkdirSync(join(p, "lib"), { recursive: true });
    // Incompressible and compressible parts, and small files between them.
    writeFileSync(join(p, "lib", "weights.bin"), randomBytes(9 * 1024 * 1024));
    writeFileSync(join(p, "lib", "text.py"), "def f(x):\n    return x * 2\n".repeat(400_000));
    for (let i = 0; i < 50; i++) writeFileSync(join(p, `small${i}`), `file ${i}\n`.repeat(i * 100));
    const l: LayerSpec = { id: "v", kind: "store", paths: [p] };
    s = spec([l]);
    layer = { ...l, ...(await digestLayer(s, l)) };
  });
  afterAll(() => tmp.cleanup());

  it("compresses the same blob from views as from copies", async () => {
    const tar = await all(layerChunks(s, layer, "worker"));
    const fromCopies = compressedStream(Readable.from([tar]), "gzip");
    const copiesBlob = await all(fromCopies.stream);
    const stream = openLayerStream(s, layer);
    expect(verifiedDigestOf(stream)?.views).toBeDefined();
    let reported = 0;
    const fromViews = compressedStream(stream, "gzip", (n) => (reported = n));
    const viewsBlob = await all(fromViews.stream);
    expect(viewsBlob.equals(copiesBlob)).toBe(true);
    const viewsResult = fromViews.result();
    expect(viewsResult).toEqual(fromCopies.result());
    expect(viewsResult.inputDigest).toBe(layer.diffId);
    expect(reported).toBe(layer.size);
    expect(gunzipSync(viewsBlob).equals(tar)).toBe(true);
  });

  it("fails a blob whose layer changed since it was digested", async () => {
    const changed = join(tmp.dir, "c");
    mkdirSync(changed);
    writeFileSync(join(changed, "f"), randomBytes(6 * 1024 * 1024));
    const l: LayerSpec = { id: "c", kind: "store", paths: [changed] };
    const digested: DigestedLayer = { ...l, ...(await digestLayer(spec([l]), l)) };
    writeFileSync(join(changed, "f"), randomBytes(6 * 1024 * 1024));
    const c = compressedStream(openLayerStream(spec([l]), digested), "gzip");
    await expect(all(c.stream)).rejects.toThrow(/layer c: content changed/);
  });

  it("lends runs of filled slots as one view, at most half the ring, never across its end", async () => {
    const ring = createRing(8, 4);
    const ctl = new Int32Array(ring.control);
    const bytes = new Uint8Array(ring.data);
    for (let i = 0; i < 8; i++) bytes.fill(i + 1, i * 4, i * 4 + 4);
    // Slots 0-6 full, slot 7 short; all 8 published.
    for (let i = 0; i < 8; i++) ctl[8 + i] = i === 7 ? 2 : 4;
    ctl[0] = 8;
    const c = new RingConsumer(ring);
    const first = await c.next(true);
    const second = await c.next(true);
    expect(first.kind === "chunk" && [first.slots, first.bytes.length]).toEqual([4, 16]);
    expect(second.kind === "chunk" && [second.slots, [...second.bytes]]).toEqual([4, [5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8]]);
    c.release(4);
    expect(ctl[1]).toBe(4);
    expect(() => c.release(5)).toThrow(/release without a chunk held/);
    c.release(4);
    // Produced again from the start of the ring: a run stops at a short slot.
    ctl[8] = 4;
    ctl[9] = 3;
    ctl[10] = 4;
    ctl[0] = 11;
    const third = await c.next(true);
    expect(third.kind === "chunk" && [third.slots, third.bytes.length]).toEqual([2, 7]);
  });

  it("lets a reader hold one chunk while it reads the next, and no release without one", () => {
    const ring = createRing(2, 4);
    const ctl = new Int32Array(ring.control);
    // Two slots produced by hand: lengths, then the produced count.
    ctl[8] = 4;
    ctl[9] = 4;
    new Uint8Array(ring.data).set([1, 1, 1, 1, 2, 2, 2, 2]);
    ctl[0] = 2;
    const c = new RingConsumer(ring);
    const a = c.nextSync();
    const b = c.nextSync();
    expect(a.kind === "chunk" && [...a.bytes]).toEqual([1, 1, 1, 1]);
    expect(b.kind === "chunk" && [...b.bytes]).toEqual([2, 2, 2, 2]);
    c.release();
    expect(ctl[1]).toBe(1);
    c.release();
    expect(ctl[1]).toBe(2);
    expect(() => c.release()).toThrow(/release without a chunk held/);
  });

  it("reuses a freed ring only for a stream that asks for its size", () => {
    const small = acquireRing(1, 8);
    expect([small.slots, small.data.byteLength]).toEqual([8, 8 * 256 * 1024]);
    releaseRing(small);
    const large = acquireRing(2, 32);
    expect(large).not.toBe(small);
    expect(large.slots).toBe(32);
    const again = acquireRing(1, 8);
    expect(again).toBe(small);
    releaseRing(again);
    releaseRing(large);
  });
});
