import type { SlotSink } from "./tar-writer.ts";

/**
 * A ring of fixed-size buffers in shared memory between one producer thread
 * and one consumer thread: the producer fills a slot while the consumer
 * works on an earlier one, with no copy and no allocation per chunk. Memory
 * is bounded by `slots × slotSize`.
 *
 * Control words: produced and consumed slot counts, the state, the consumed
 * count a waiting producer wants to be woken at, one signal word each side
 * waits on, then each slot's length. A side reads its signal word before
 * looking at the ring and waits only while it is unchanged, so no wake-up
 * is lost (a state change bumps it too). A full ring wakes its producer only
 * once half of it is free again: the threads trade places once per half ring.
 */
const PRODUCED = 0;
const CONSUMED = 1;
const STATE = 2;
const WAKE_AT = 3;
const TO_CONSUMER = 4;
const TO_PRODUCER = 5;
/** A second reader's consumed count (a ring read by two threads: one hashes, one writes). */
const CONSUMED_B = 6;
const READERS = 7;
const LENGTHS = 8;

/** Atomics.waitAsync (Node 16 and later), which the ES2022 library this project targets does not declare. */
type WaitAsync = (a: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

const RUNNING = 0;
const DONE = 1;
const FAILED = 2;
const ABORTED = 3;

export interface RingMemory {
  data: SharedArrayBuffer;
  control: SharedArrayBuffer;
  slots: number;
  slotSize: number;
}

/** Slots of a ring when its user names no size: 8 MiB in all. */
const DEFAULT_SLOTS = 32;

export function createRing(slots = DEFAULT_SLOTS, slotSize = 256 * 1024): RingMemory {
  return {
    data: new SharedArrayBuffer(slots * slotSize),
    control: new SharedArrayBuffer((LENGTHS + slots) * 4),
    slots,
    slotSize,
  };
}

/**
 * Rings are reused: shared memory is external to the JavaScript heap and
 * would otherwise pile up until a collection (one ring per layer).
 */
const free: RingMemory[] = [];
const MAX_FREE = 8;

/** A ring of `slots` with its counters at zero, for one or two readers (each sees every slot), from the free list when one is there. */
export function acquireRing(readers: 1 | 2 = 1, slots = DEFAULT_SLOTS): RingMemory {
  const i = free.findIndex((r) => r.slots === slots);
  const ring = i >= 0 ? free.splice(i, 1)[0]! : createRing(slots);
  const ctl = new Int32Array(ring.control);
  ctl.fill(0);
  ctl[READERS] = readers;
  return ring;
}

/** How far every reader has got: a slot is free once all have released it. */
function consumedByAll(ctl: Int32Array): number {
  const a = Atomics.load(ctl, CONSUMED);
  return Atomics.load(ctl, READERS) === 2 ? Math.min(a, Atomics.load(ctl, CONSUMED_B)) : a;
}

/** Gives a ring back once neither side uses it any more. */
export function releaseRing(ring: RingMemory): void {
  if (free.length < MAX_FREE) free.push(ring);
}

/** Thrown in the producer when the consumer has gone away. */
export class RingAborted extends Error {
  constructor() {
    super("the consumer stopped reading");
  }
}

/** The producer side: blocks (Atomics.wait) while every slot is still being consumed. Worker threads only. */
export class RingProducer implements SlotSink {
  private readonly ctl: Int32Array;
  private readonly views: Buffer[];
  private produced = 0;

  constructor(ring: RingMemory) {
    this.ctl = new Int32Array(ring.control);
    this.views = Array.from({ length: ring.slots }, (_, i) => Buffer.from(ring.data, i * ring.slotSize, ring.slotSize));
  }

  slot(): Buffer {
    const slots = this.views.length;
    for (;;) {
      const signal = Atomics.load(this.ctl, TO_PRODUCER);
      if (Atomics.load(this.ctl, STATE) === ABORTED) throw new RingAborted();
      if (this.produced - consumedByAll(this.ctl) < slots) {
        Atomics.store(this.ctl, WAKE_AT, 0);
        return this.views[this.produced % slots]!;
      }
      const wakeAt = this.produced - Math.floor(slots / 2);
      Atomics.store(this.ctl, WAKE_AT, wakeAt);
      // Re-read after asking: a release in between either is seen here or sees the request.
      if (consumedByAll(this.ctl) < wakeAt) Atomics.wait(this.ctl, TO_PRODUCER, signal);
    }
  }

  private signal(): void {
    Atomics.add(this.ctl, TO_CONSUMER, 1);
    Atomics.notify(this.ctl, TO_CONSUMER);
  }

  publish(length: number): void {
    Atomics.store(this.ctl, LENGTHS + (this.produced % this.views.length), length);
    this.produced++;
    Atomics.store(this.ctl, PRODUCED, this.produced);
    this.signal();
  }

  /** Every slot is published; `failed` says the producer stopped on an error instead. */
  close(failed: boolean): void {
    Atomics.store(this.ctl, STATE, failed ? FAILED : DONE);
    this.signal();
  }
}

/** What the consumer sees next: filled slots (one, or a run of them), the end, or the producer's failure. */
export type RingItem = { kind: "chunk"; bytes: Buffer; slots: number } | { kind: "end" } | { kind: "failed" };

/**
 * The consumer side. Each chunk is a view of shared memory, valid until it
 * is released; `release(n)` frees the oldest n slots returned and not yet
 * released, so a reader may hold one chunk while it reads the next. Waits are
 * asynchronous (`next`) or blocking (`nextSync`, worker threads).
 */
export class RingConsumer {
  private readonly ctl: Int32Array;
  private readonly data: SharedArrayBuffer;
  private readonly slots: number;
  private readonly slotSize: number;
  private consumed = 0;
  /** Chunks returned so far: `consumed` of them released. */
  private read = 0;
  private readonly counter: number;

  /** `reader` 1 is the second reader of a ring acquired for two. */
  constructor(ring: RingMemory, reader: 0 | 1 = 0) {
    this.ctl = new Int32Array(ring.control);
    this.data = ring.data;
    this.slots = ring.slots;
    this.slotSize = ring.slotSize;
    this.counter = reader === 0 ? CONSUMED : CONSUMED_B;
  }

  /**
   * The next item if one is ready, or undefined. With `span`, the filled
   * slots that follow in memory (up to the ring's end, each full but the
   * last) come as one view, so a reader makes one round trip for them.
   */
  private poll(span: boolean): RingItem | undefined {
    // State first: once it says done, the produced count read after it is final.
    const state = Atomics.load(this.ctl, STATE);
    const produced = Atomics.load(this.ctl, PRODUCED);
    if (produced > this.read) {
      const i = this.read % this.slots;
      let length = Atomics.load(this.ctl, LENGTHS + i);
      let count = 1;
      // At most half the ring: a reader holding one run while it waits for the next leaves the producer room.
      const most = span ? Math.max(1, Math.floor(this.slots / 2)) : 1;
      while (count < most && this.read + count < produced && i + count < this.slots && length === count * this.slotSize) {
        length += Atomics.load(this.ctl, LENGTHS + i + count);
        count++;
      }
      this.read += count;
      return { kind: "chunk", bytes: Buffer.from(this.data, i * this.slotSize, length), slots: count };
    }
    if (state === DONE) return { kind: "end" };
    if (state === FAILED || state === ABORTED) return { kind: "failed" };
    return undefined;
  }

  /** The next slot, or with `span` the run of filled slots from it (see poll). */
  async next(span = false): Promise<RingItem> {
    for (;;) {
      const signal = Atomics.load(this.ctl, TO_CONSUMER);
      const item = this.poll(span);
      if (item !== undefined) return item;
      const w = waitAsync(this.ctl, TO_CONSUMER, signal);
      if (w.async) await w.value;
    }
  }

  nextSync(): RingItem {
    for (;;) {
      const signal = Atomics.load(this.ctl, TO_CONSUMER);
      const item = this.poll(false);
      if (item !== undefined) return item;
      Atomics.wait(this.ctl, TO_CONSUMER, signal);
    }
  }

  private signal(): void {
    Atomics.add(this.ctl, TO_PRODUCER, 1);
    Atomics.notify(this.ctl, TO_PRODUCER);
  }

  /** The oldest `slots` returned and not yet released are no longer needed: they may be refilled. */
  release(slots = 1): void {
    if (this.consumed + slots > this.read) throw new Error("ring: release without a chunk held");
    this.consumed += slots;
    Atomics.store(this.ctl, this.counter, this.consumed);
    const wakeAt = Atomics.load(this.ctl, WAKE_AT);
    if (wakeAt !== 0 && consumedByAll(this.ctl) >= wakeAt) this.signal();
  }

  /** Stops the producer at its next slot. */
  abort(): void {
    Atomics.compareExchange(this.ctl, STATE, RUNNING, ABORTED);
    this.signal();
  }
}
