/**
 * A layer worker thread: either tars a layer into a ring ("produce") or
 * hashes what another worker tars into one ("hash"). Reading and hashing a
 * layer run on two threads at once, and several layers on as many more.
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
    if (err instanceof RingAborted) reply({ id: job.id, op: "aborted" });
    else if (err instanceof CognixError) reply({ id: job.id, op: "error", problems: [...err.problems], exitCode: err.exitCode });
    else reply({ id: job.id, op: "crash", message: err instanceof Error ? err.message : String(err) });
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
    else hash(job, reply);
  });
}
