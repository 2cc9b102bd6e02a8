import { Readable } from "node:stream";
import { markVerified } from "../registry/verified-stream.ts";
import { acquireRing, releaseRing, RingConsumer, type RingMemory } from "./chunk-ring.ts";
import { RingHash } from "./ring-hash.ts";
import { CognixError } from "../util/errors.ts";
import { replyError, runOnWorker, type FinalReply } from "./worker-pool.ts";
import type { DigestedLayer, ImageSpec, LayerSpec } from "./spec-types.ts";

export interface DigestResult {
  diffId: string;
  size: number;
}

export interface LayerDigest extends DigestResult {
  hardlinks: Record<string, string>;
}

/** Hashes a ring on this thread (otherwise idle while layers are digested), as a hash worker would. */
async function hashHere(ring: RingMemory, onBytes?: (n: number) => void): Promise<FinalReply> {
  const consumer = new RingConsumer(ring);
  const hasher = new RingHash(consumer, (n) => onBytes?.(n));
  for (;;) {
    const done = hasher.step(await consumer.next());
    if (done !== undefined) return { id: 0, op: "hashed", ...done };
  }
}

/** Layers being hashed on this thread: at most one, so this thread stays responsive. */
let hashingHere = 0;

/**
 * How a layer is digested: tarred on one thread while another hashes
 * ("split", the faster for a layer alone), or both on one worker
 * ("one-thread": no hand-over between threads, the less CPU per byte, for
 * layers digested side by side).
 */
export type DigestThreads = "split" | "one-thread";

/** A layer tarred and hashed by one worker. */
async function digestOnOneThread(spec: ImageSpec, layer: LayerSpec, onBytes?: (n: number) => void): Promise<LayerDigest> {
  const r = await runOnWorker({ op: "digest", layer, mtime: spec.mtime }, onBytes);
  const err = replyError(r, `layer ${layer.id}`);
  if (err !== undefined) throw err;
  if (r.op !== "produced" || r.diffId === undefined) throw new Error(`layer ${layer.id}: digest stopped early`);
  return { diffId: r.diffId, size: r.size, hardlinks: r.hardlinks };
}

/**
 * Tars and digests a layer once, deciding its hard links from the files'
 * inodes. Split, a worker reads and tars while another thread hashes, at the
 * same time; the hashing thread is this one when it is free (one worker fewer
 * to start), else a worker.
 */
export async function digestLayer(spec: ImageSpec, layer: LayerSpec, onBytes?: (n: number) => void, threads: DigestThreads = "split"): Promise<LayerDigest> {
  if (threads === "one-thread") return digestOnOneThread(spec, layer, onBytes);
  const ring = acquireRing();
  const here = hashingHere === 0;
  if (here) hashingHere++;
  let done = false;
  try {
    const produced = runOnWorker({ op: "produce", ring, layer, mtime: spec.mtime });
    const hashed = here ? hashHere(ring, onBytes) : runOnWorker({ op: "hash", ring }, onBytes);
    const [p, h] = await Promise.all([produced, hashed]);
    done = true;
    releaseRing(ring);
    const err = replyError(p, `layer ${layer.id}`) ?? replyError(h, `layer ${layer.id}`);
    if (err !== undefined) throw err;
    if (p.op !== "produced" || h.op !== "hashed" || h.failed) throw new Error(`layer ${layer.id}: digest stopped early`);
    return { diffId: h.diffId, size: h.size, hardlinks: p.hardlinks };
  } finally {
    if (here) hashingHere--;
    // A thread that died mid-layer leaves the other waiting on the ring: stop it.
    if (!done) new RingConsumer(ring).abort();
  }
}

function changedError(layer: DigestedLayer, got: string): CognixError {
  return new CognixError({
    message:
      `layer ${layer.id}: content changed since the spec was written (expected ${layer.diffId}, ${layer.size} bytes; ` +
      `got ${got}). Rebuild the spec.`,
  });
}

/**
 * Size of the chunks a copying layer stream yields: every chunk costs its
 * consumer a round trip (a write to a pipe or file), so fewer, larger ones
 * stream faster.
 */
const OUT_CHUNK = 1024 * 1024;

/**
 * Ring sizes, in 256 KiB slots. An archive (`load`, `oci`) is written at the
 * tar's pace, and ran 6% faster with 8 MiB rings than with 2 MiB. A push's
 * reader, the compressor, is slower than the tar: 2 MiB rings pushed as fast
 * (interleaved runs, Node 24) and took 12–15 MiB off its peak with two
 * layers in flight.
 */
const RING_SLOTS = { archive: 32, push: 8 } as const;

/** What a layer stream feeds, which sizes its ring: an archive (`load`, `oci`) or a push. */
export type StreamUse = keyof typeof RING_SLOTS;

/**
 * Which thread checks a stream's digest: a hash worker reading the same ring
 * as this thread ("pair": `load` and `oci`, tarring, hashing and writing on
 * three threads), or the worker that tars it ("worker": a push, which streams
 * several layers at once and whose main thread compresses).
 */
export type VerifyOn = "pair" | "worker";

/**
 * How a stream hands its bytes over: copied into chunks of its own, or as
 * views of the shared buffers the worker fills ("views"), each valid only
 * until the next is asked for, for a reader that copies every chunk before
 * asking for the next (the compressor does), which saves a copy and
 * allocates nothing per chunk.
 */
export type Handover = "copies" | "views";

/**
 * The layer tar again, from the store, with the hard links the spec recorded.
 * It is hashed as it streams, here or by the tarring worker; the last chunk is
 * held back until the digest matches the spec's, so a changed store never
 * yields a complete tar. The workers start at the first read, and stop when
 * the reader stops early.
 */
export async function* layerChunks(spec: ImageSpec, layer: DigestedLayer, verifyOn: VerifyOn = "pair", handover: Handover = "copies"): AsyncGenerator<Buffer> {
  yield* startLayer(spec, layer, verifyOn, verifyOn === "pair" ? "archive" : "push").chunks(handover);
}

/** A layer whose workers are running: its bytes are read once (`chunks`), or it is stopped unread. */
export interface StartedLayer {
  chunks(handover: Handover): AsyncGenerator<Buffer>;
  stop(): void;
}

/** Starts a layer's workers now; the rest is as layerChunks. */
export function startLayer(spec: ImageSpec, layer: DigestedLayer, verifyOn: VerifyOn, use: StreamUse): StartedLayer {
  const pair = verifyOn === "pair";
  const ring = acquireRing(pair ? 2 : 1, RING_SLOTS[use]);
  const consumer = new RingConsumer(ring);
  const produced = runOnWorker({ op: "produce", ring, layer, mtime: spec.mtime, hardlinks: layer.hardlinks ?? {}, hash: !pair });
  const hashed = pair ? runOnWorker({ op: "hash", ring, reader: 1 }) : undefined;
  // Rejections are read below; this only keeps an early return from leaving one unhandled.
  produced.catch(() => undefined);
  hashed?.catch(() => undefined);
  // A consumer that stops early (error, closed pipe) frees the worker; the
  // ring is reused once the worker has let go of it.
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    consumer.abort();
    void Promise.all([produced, hashed]).then(() => releaseRing(ring), () => undefined);
  };
  let size = 0;
  /** The next slot (or run of slots), counted against the spec's size; undefined at the end. */
  const nextSlots = async (span: boolean): Promise<{ bytes: Buffer; slots: number } | undefined> => {
    const item = await consumer.next(span);
    if (item.kind === "end") return undefined;
    if (item.kind === "failed") {
      const reply = await produced;
      throw replyError(reply, `layer ${layer.id}`) ?? new Error(`layer ${layer.id}: tar stopped early`);
    }
    size += item.bytes.length;
    if (size > layer.size) throw changedError(layer, "more bytes");
    return item;
  };
  /** Throws unless the whole tar was produced and hashes to the spec's diffId. */
  const verify = async (): Promise<void> => {
    const reply = await produced;
    const err = replyError(reply, `layer ${layer.id}`);
    if (err !== undefined) throw err;
    const check = hashed === undefined ? reply : await hashed;
    const checkErr = replyError(check, `layer ${layer.id}`);
    if (checkErr !== undefined) throw checkErr;
    const diffId = check.op === "produced" || (check.op === "hashed" && !check.failed) ? check.diffId : undefined;
    if (reply.op !== "produced" || diffId === undefined) throw new Error(`layer ${layer.id}: tar stopped early`);
    if (size !== layer.size || diffId !== layer.diffId) throw changedError(layer, `${diffId}, ${size} bytes`);
  };
  async function* copies(): AsyncGenerator<Buffer> {
    let out = Buffer.allocUnsafe(OUT_CHUNK);
    let fill = 0;
    let held: Buffer | undefined;
    try {
      for (let item = await nextSlots(false); item !== undefined; item = await nextSlots(false)) {
        const slot = item.bytes;
        for (let off = 0; off < slot.length; ) {
          const n = slot.copy(out, fill, off);
          off += n;
          fill += n;
          if (fill === out.length) {
            if (held !== undefined) yield held;
            held = out;
            out = Buffer.allocUnsafe(OUT_CHUNK);
            fill = 0;
          }
        }
        consumer.release();
      }
      await verify();
      if (held !== undefined) yield held;
      if (fill > 0) yield out.subarray(0, fill);
    } finally {
      stop();
    }
  }
  async function* views(): AsyncGenerator<Buffer> {
    // Runs of slots, one view each; one run is held while the next is read,
    // so the last can wait for the digest.
    let held: { bytes: Buffer; slots: number } | undefined;
    try {
      for (let item = await nextSlots(true); item !== undefined; item = await nextSlots(true)) {
        if (held !== undefined) {
          yield held.bytes;
          consumer.release(held.slots);
        }
        held = item;
      }
      await verify();
      if (held !== undefined) {
        yield held.bytes;
        consumer.release(held.slots);
      }
    } finally {
      stop();
    }
  }
  return { chunks: (handover) => (handover === "views" ? views() : copies()), stop };
}

/**
 * The layer tar as a stream for a push, verified by its worker and marked as
 * verifying itself, with its shared buffers offered as views to a reader
 * that copies them (the compressor). Nothing starts until one is read.
 */
export function openLayerStream(spec: ImageSpec, layer: DigestedLayer): Readable {
  return markVerified(Readable.from(layerChunks(spec, layer, "worker"), { objectMode: false }), {
    digest: layer.diffId,
    size: layer.size,
    views: () => layerChunks(spec, layer, "worker", "views"),
  });
}
