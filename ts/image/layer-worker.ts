/**
 * A layer worker thread: tars a layer into a ring ("produce"), hashes what
 * another worker tars into one ("hash"), or tars and hashes a layer on its
 * own ("digest"). A layer alone is read and hashed on two threads at once;
 * many layers are digested one per thread, which spends no time handing
 * bytes between threads.
 */
import { createHash, type Hash } from "node:crypto";
import { parentPort } from "node:worker_threads";
import { CognixError } from "../util/errors.ts";
import { RingAborted, RingConsumer, RingProducer } from "./chunk-ring.ts";
import { collectLayerEntries } from "./layer-entries.ts";
import { writeLayerTar, type SlotSink } from "./tar-writer.ts";
import type { WorkerJob, WorkerReply } from "./layer-worker-protocol.ts";

export type { WorkerJob, WorkerReply };

/** Progress is reported about this often, not per chunk. */
const PROGRESS_EVERY = 32 * 1024 * 1024;

/** Hashes and counts what passes to the ring, on this thread, before the consumer sees it. */
class CountingSink implements SlotSink {
  private current: Buffer | undefined;
  size = 0;
  constructor(
    private readonly inner: SlotSink,
    private readonly hash: Hash | undefined,
  ) {}
  slot(): Buffer {
    this.current = this.inner.slot();
    return this.current;
  }
  publish(length: number): void {
    this.hash?.update(this.current!.subarray(0, length));
    this.size += length;
    this.inner.publish(length);
  }
}

/** Hashes each buffer as it fills and reuses it: the bytes of a layer whose digest is all that is wanted. */
class HashingSink implements SlotSink {
  private readonly buf = Buffer.allocUnsafe(1024 * 1024);
  private readonly hash = createHash("sha256");
  size = 0;
  private reported = 0;
  constructor(private readonly onProgress: (bytes: number) => void) {}
  slot(): Buffer {
    return this.buf;
  }
  publish(length: number): void {
    this.hash.update(this.buf.subarray(0, length));
    this.size += length;
    if (this.size - this.reported >= PROGRESS_EVERY) this.flushProgress();
  }
  flushProgress(): void {
    if (this.size > this.reported) this.onProgress(this.size - this.reported);
    this.reported = this.size;
  }
  digest(): string {
    return `sha256:${this.hash.digest("hex")}`;
  }
}

/** The reply for a job that threw. */
function failure(id: number, err: unknown): WorkerReply {
  if (err instanceof RingAborted) return { id, op: "aborted" };
  if (err instanceof CognixError) return { id, op: "error", problems: [...err.problems], exitCode: err.exitCode };
  return { id, op: "crash", message: err instanceof Error ? err.message : String(err) };
}

function digest(job: Extract<WorkerJob, { op: "digest" }>, reply: (r: WorkerReply) => void): void {
  try {
    const sink = new HashingSink((bytes) => reply({ id: job.id, op: "progress", bytes }));
    const hardlinks = writeLayerTar(collectLayerEntries(job.layer), { find: true }, job.mtime, sink);
    sink.flushProgress();
    reply({ id: job.id, op: "produced", hardlinks, size: sink.size, diffId: sink.digest() });
  } catch (err) {
    reply(failure(job.id, err));
  }
}

function produce(job: Extract<WorkerJob, { op: "produce" }>, reply: (r: WorkerReply) => void): void {
  const producer = new RingProducer(job.ring);
  try {
    const entries = collectLayerEntries(job.layer);
    const hash = job.hash === true ? createHash("sha256") : undefined;
    const sink = new CountingSink(producer, hash);
    const hardlinks = writeLayerTar(entries, job.hardlinks === undefined ? { find: true } : { recorded: job.hardlinks }, job.mtime, sink);
    producer.close(false);
    reply({ id: job.id, op: "produced", hardlinks, size: sink.size, ...(hash !== undefined ? { diffId: `sha256:${hash.digest("hex")}` } : {}) });
  } catch (err) {
    producer.close(true);
    reply(failure(job.id, err));
  }
}

function hash(job: Extract<WorkerJob, { op: "hash" }>, reply: (r: WorkerReply) => void): void {
  const consumer = new RingConsumer(job.ring, job.reader ?? 0);
  const h = createHash("sha256");
  let size = 0;
  let reported = 0;
  for (;;) {
    const item = consumer.nextSync();
    if (item.kind === "failed") return reply({ id: job.id, op: "hashed", failed: true, diffId: "", size });
    if (item.kind === "end") break;
    h.update(item.bytes);
    size += item.bytes.length;
    consumer.release();
    if (size - reported >= PROGRESS_EVERY) {
      reply({ id: job.id, op: "progress", bytes: size - reported });
      reported = size;
    }
  }
  if (size > reported) reply({ id: job.id, op: "progress", bytes: size - reported });
  reply({ id: job.id, op: "hashed", failed: false, diffId: `sha256:${h.digest("hex")}`, size });
}

const port = parentPort;
if (port !== null) {
  port.on("message", (job: WorkerJob) => {
    const reply = (r: WorkerReply): void => port.postMessage(r);
    if (job.op === "produce") produce(job, reply);
    else if (job.op === "digest") digest(job, reply);
    else hash(job, reply);
  });
}
