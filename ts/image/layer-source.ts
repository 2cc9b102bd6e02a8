import { Readable } from "node:stream";
import { markVerified } from "../registry/verified-stream.ts";
import { acquireRing, releaseRing, RingConsumer } from "./chunk-ring.ts";
import { CognixError } from "../util/errors.ts";
import { replyError, runOnWorker } from "./worker-pool.ts";
import type { DigestedLayer, ImageSpec, LayerSpec } from "./spec-types.ts";

export interface DigestResult {
  diffId: string;
  size: number;
}

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

function changedError(layer: DigestedLayer, got: string): CognixError {
  return new CognixError({
    message:
      `layer ${layer.id}: content changed since the spec was written (expected ${layer.diffId}, ${layer.size} bytes; ` +
      `got ${got}). Rebuild the spec.`,
  });
}

/**
 * The layer tar again, from the store, with the hard links the spec recorded.
 * The worker that tars it also hashes it; the last chunk is held back until
 * that digest matches the spec's, so a changed store never yields a complete tar.
 */
export async function* layerChunks(spec: ImageSpec, layer: DigestedLayer): AsyncGenerator<Buffer> {
  const ring = acquireRing();
  const consumer = new RingConsumer(ring);
  const produced = runOnWorker({ op: "produce", ring, layer, mtime: spec.mtime, hardlinks: layer.hardlinks ?? {}, hash: true });
  // Rejections are read below; this only keeps an early return from leaving one unhandled.
  produced.catch(() => undefined);
  let held: Buffer | undefined;
  let size = 0;
  try {
    for (;;) {
      const item = await consumer.next();
      if (item.kind === "end") break;
      if (item.kind === "failed") {
        const reply = await produced;
        throw replyError(reply, `layer ${layer.id}`) ?? new Error(`layer ${layer.id}: tar stopped early`);
      }
      size += item.bytes.length;
      if (size > layer.size) throw changedError(layer, "more bytes");
      const copy = Buffer.from(item.bytes);
      consumer.release();
      if (held !== undefined) yield held;
      held = copy;
    }
    const reply = await produced;
    const err = replyError(reply, `layer ${layer.id}`);
    if (err !== undefined) throw err;
    if (reply.op !== "produced" || reply.diffId === undefined) throw new Error(`layer ${layer.id}: tar stopped early`);
    if (reply.size !== layer.size || reply.diffId !== layer.diffId) throw changedError(layer, `${reply.diffId}, ${reply.size} bytes`);
    if (held !== undefined) yield held;
  } finally {
    // A consumer that stops early (error, closed pipe) frees the worker; the
    // ring is reused once the worker has let go of it.
    consumer.abort();
    void produced.then(() => releaseRing(ring), () => undefined);
  }
}

/** The layer tar as a stream, marked as verifying itself against the layer's digest. */
export function openLayerStream(spec: ImageSpec, layer: DigestedLayer): Readable {
  return markVerified(Readable.from(layerChunks(spec, layer), { objectMode: false }), { digest: layer.diffId, size: layer.size });
}
