import type { Writable } from "node:stream";

/** Where a command writes; a terminal is told apart by `isTTY`. */
export type OutStream = Writable & { isTTY?: boolean; columns?: number };

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
}
