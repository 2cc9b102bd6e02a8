import { Readable } from "node:stream";
import { acquireRing, releaseRing, RingConsumer } from "./chunk-ring.ts";
import { verifiedChunks, type DigestResult } from "./layer-stream.ts";
import { replyError, runOnWorker } from "./worker-pool.ts";
import type { DigestedLayer, ImageSpec, LayerSpec } from "./spec-types.ts";

export interface LayerDigest extends DigestResult {
  hardlinks: Record<string, string>;
}

/**
 * Tars and digests a layer once, deciding its hard links from the files'
 * inodes: one worker reads and tars, another hashes, at the same time.
 */
export async function digestLayer(spec: ImageSpec, layer: LayerSpec, onBytes?: (n: number) => void): Promise<LayerDigest> {
  const ring = acquireRing();
  const produced = runOnWorker({ op: "produce", ring, layer, mtime: spec.mtime });
  const hashed = runOnWorker({ op: "hash", ring }, onBytes);
  const [p, h] = await Promise.all([produced, hashed]);
  releaseRing(ring);
  const err = replyError(p, `layer ${layer.id}`) ?? replyError(h, `layer ${layer.id}`);
  if (err !== undefined) throw err;
  if (p.op !== "produced" || h.op !== "hashed" || h.failed) throw new Error(`layer ${layer.id}: digest stopped early`);
  return { diffId: h.diffId, size: h.size, hardlinks: p.hardlinks };
}

/** The layer tar as a worker produces it, each chunk copied out of the ring. */
async function* tarChunks(spec: ImageSpec, layer: DigestedLayer): AsyncGenerator<Buffer> {
  const ring = acquireRing();
  const consumer = new RingConsumer(ring);
  const produced = runOnWorker({ op: "produce", ring, layer, mtime: spec.mtime, hardlinks: layer.hardlinks ?? {} });
  // Rejections are read below; this only keeps an early return from leaving one unhandled.
  produced.catch(() => undefined);
  try {
    for (;;) {
      const item = await consumer.next();
      if (item.kind === "end") break;
      if (item.kind === "failed") {
        const reply = await produced;
        throw replyError(reply, `layer ${layer.id}`) ?? new Error(`layer ${layer.id}: tar stopped early`);
      }
      const copy = Buffer.from(item.bytes);
      consumer.release();
      yield copy;
    }
    const reply = await produced;
    const err = replyError(reply, `layer ${layer.id}`);
    if (err !== undefined) throw err;
  } finally {
    // A consumer that stops early (error, closed pipe) frees the worker; the
    // ring is reused once the worker has let go of it.
    consumer.abort();
    void produced.then(() => releaseRing(ring), () => undefined);
  }
}

/**
 * The layer tar again, from the store, with the hard links the spec recorded;
 * fails (before the last chunk) if the bytes no longer match the digest.
 */
export function layerChunks(spec: ImageSpec, layer: DigestedLayer): AsyncGenerator<Buffer> {
  return verifiedChunks(tarChunks(spec, layer), layer, `layer ${layer.id}`);
}

export function openLayerStream(spec: ImageSpec, layer: DigestedLayer): Readable {
  return Readable.from(layerChunks(spec, layer), { objectMode: false });
}
