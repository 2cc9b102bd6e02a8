import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Reads one model-relative file: its bytes, or undefined when it does not
 * exist. A file that exists but must not be read (a link out of the model, a
 * FIFO) is the reader's to refuse, by throwing.
 */
export type ReadModelFile = (relPath: string) => Buffer | undefined;

/** Reads regular files of `modelDir`; anything else (missing, a directory) counts as absent. */
export const readPlainFile = (modelDir: string): ReadModelFile => (relPath) => {
  const full = join(modelDir, relPath);
  return statSync(full, { throwIfNoEntry: false })?.isFile() === true ? readFileSync(full) : undefined;
};

/**
 * Every Python file schema generation looked at, with the sha256 of what it
 * read, or null for one it looked for and did not find: the schema holds
 * as long as each of these is unchanged.
 */
export class SourceLog {
  private readonly seen = new Map<string, string | null>();

  constructor(private readonly read: ReadModelFile) {}

  /** The file's text, or undefined when it does not exist. */
  text(relPath: string): string | undefined {
    const bytes = this.read(relPath);
    if (!this.seen.has(relPath)) this.seen.set(relPath, bytes === undefined ? null : createHash("sha256").update(bytes).digest("hex"));
    return bytes?.toString("utf8");
  }

  /** Path → sha256 (null: absent), sorted by path. */
  files(): { path: string; sha256: string | null }[] {
    return [...this.seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, sha256]) => ({ path, sha256 }));
  }
}
