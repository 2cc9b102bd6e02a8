import type { Problem } from "../util/errors.ts";
import type { RingMemory } from "./chunk-ring.ts";
import type { LayerSpec } from "./spec-types.ts";

/** Messages to a layer worker. */
export type WorkerJob =
  | {
      op: "produce";
      id: number;
      ring: RingMemory;
      layer: LayerSpec;
      mtime: number;
      /** Recorded hard links; without them they are found from the files' inodes. */
      hardlinks?: Record<string, string>;
      /** Hash the bytes as they are produced (to verify a stream against a known digest). */
      hash?: boolean;
    }
  | { op: "hash"; id: number; ring: RingMemory; reader?: 0 | 1 }
  /** Tar and hash a layer on this one thread, keeping none of its bytes. */
  | { op: "digest"; id: number; layer: LayerSpec; mtime: number };

/** Messages from a layer worker. */
export type WorkerReply =
  | { id: number; op: "produced"; hardlinks: Record<string, string>; diffId?: string; size: number }
  | { id: number; op: "aborted" }
  | { id: number; op: "error"; problems: Problem[]; exitCode: number }
  | { id: number; op: "crash"; message: string }
  | { id: number; op: "progress"; bytes: number }
  | { id: number; op: "hashed"; failed: boolean; diffId: string; size: number };
