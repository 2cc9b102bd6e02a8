import { createHash } from "node:crypto";
import type { RingConsumer, RingItem } from "./chunk-ring.ts";

/** What a ring carried, once it ended: its sha256, or `failed` when its producer failed or was stopped. */
export interface RingHashed {
  failed: boolean;
  diffId: string;
  size: number;
}

/**
 * sha256 over the items a ring consumer reads, each released once hashed:
 * one loop body for a hash worker (blocking waits) and for the main thread
 * (asynchronous waits), which differ only in how they wait for the next item.
 */
export class RingHash {
  private readonly hash = createHash("sha256");
  private size = 0;

  constructor(
    private readonly consumer: RingConsumer,
    private readonly onBytes: (n: number) => void,
  ) {}

  /** Takes the consumer's next item: the result once the ring has ended, else undefined. */
  step(item: RingItem): RingHashed | undefined {
    if (item.kind === "failed") return { failed: true, diffId: "", size: this.size };
    if (item.kind === "end") return { failed: false, diffId: `sha256:${this.hash.digest("hex")}`, size: this.size };
    this.hash.update(item.bytes);
    this.size += item.bytes.length;
    this.consumer.release();
    this.onBytes(item.bytes.length);
    return undefined;
  }
}
