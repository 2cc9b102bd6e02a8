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
import { RingHash } from "./ring-hash.ts";
import { writeLayerTar, type SlotSink } from "./tar-writer.ts";
import type { WorkerJob, WorkerReply } from "./layer-worker-protocol.ts";

export type { WorkerJob, WorkerReply };

/** Progress is reported about this often, not per chunk. */
const PROGRESS_EVERY = 32 * 1024 * 1024;

/** Hashes and counts what passes to the inner sink (a ring, or a buffer reused at once), on this thread. */
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

/** Bytes reported to the main thread in batches of PROGRESS_EVERY, the rest at `flush`. */
class ProgressBatches {
  private pending = 0;
  constructor(private readonly send: (bytes: number) => void) {}
  add(n: number): void {
    this.pending += n;
    if (this.pending >= PROGRESS_EVERY) this.flush();
  }
  flush(): void {
    if (this.pending > 0) this.send(this.pending);
    this.pending = 0;
  }
}

/** The reply for a job that threw. */
function failure(id: number, err: unknown): WorkerReply {
  if (err instanceof RingAborted) return { id, op: "aborted" };
  if (err instanceof CognixError) return { id, op: "error", problems: [...err.problems], exitCode: err.exitCode };
  return { id, op: "crash", message: err instanceof Error ? err.message : String(err) };
}

/** Tars and hashes a layer into one buffer, reused as soon as it is hashed: only the digest is wanted. */
function digest(job: Extract<WorkerJob, { op: "digest" }>, reply: (r: WorkerReply) => void): void {
  try {
    const progress = new ProgressBatches((bytes) => reply({ id: job.id, op: "progress", bytes }));
    const buf = Buffer.allocUnsafe(1024 * 1024);
    const hash = createHash("sha256");
    const sink = new CountingSink({ slot: () => buf, publish: (n) => progress.add(n) }, hash);
    const hardlinks = writeLayerTar(collectLayerEntries(job.layer), { find: true }, job.mtime, sink);
    progress.flush();
    reply({ id: job.id, op: "produced", hardlinks, size: sink.size, diffId: `sha256:${hash.digest("hex")}` });
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
  const progress = new ProgressBatches((bytes) => reply({ id: job.id, op: "progress", bytes }));
  const hasher = new RingHash(consumer, (n) => progress.add(n));
  for (;;) {
    const done = hasher.step(consumer.nextSync());
    if (done === undefined) continue;
    if (!done.failed) progress.flush();
    return reply({ id: job.id, op: "hashed", ...done });
  }
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
