import { createWriteStream, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CognixError } from "../util/errors.ts";

/** Streams chunks into `file` via a temporary file beside it: all or nothing. */
export async function writeChunksAtomic(file: string, chunks: AsyncIterable<Buffer>): Promise<void> {
  const dir = dirname(file);
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new CognixError({ file, message: `cannot write it: ${dir} is not an existing directory` });
  }
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await pipeline(Readable.from(chunks), createWriteStream(tmp, { mode: 0o644 }));
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Streams chunks into an already open stream (stdout) without ending it; its errors (EPIPE) reject. */
export async function writeChunksTo(out: Writable, chunks: AsyncIterable<Buffer>): Promise<void> {
  await pipeline(Readable.from(chunks), out, { end: false });
}

/** Counts bytes as they pass, for progress display. */
export async function* countingChunks(chunks: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    onBytes(chunk.length);
    yield chunk;
  }
}
