import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Paces full garbage collections by bytes of short-lived buffers allocated.
 *
 * V8 frees a dead ArrayBuffer only when its heap or its external memory has
 * grown enough since the last collection. A stream that allocates its output
 * at hundreds of MiB/s from a small JS heap (the compressor: zlib returns a
 * new buffer per block) leaves tens of MiB of dead buffers resident, and
 * over 100 MiB in Node 24 (V8 13). A collection of a heap this small takes
 * a few milliseconds, so one per `every` bytes bounds that garbage to about
 * `every` for little time.
 */
export class GarbagePacer {
  private allocated = 0;
  constructor(
    private readonly every: number,
    private readonly collect: () => void = collectGarbage,
  ) {}

  /** Counts `bytes` just allocated; collects once `every` have been since the last collection. */
  add(bytes: number): void {
    this.allocated += bytes;
    if (this.allocated < this.every) return;
    this.allocated = 0;
    this.collect();
  }
}

let gc: (() => void) | undefined;

/** A full collection; `gc` is only exposed to contexts made after the flag is set. */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}
