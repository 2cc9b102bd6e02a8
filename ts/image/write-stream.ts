import { renameSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import type { Writable } from "node:stream";
import { shortWrite, tempPathBeside } from "../util/atomic-write.ts";
import { CognixError } from "../util/errors.ts";

/**
 * Writes chunks into `file` via a temporary file beside it: all or nothing.
 * Each chunk is written before the next is asked for, so a source may lend
 * views of buffers it refills (a layer stream's "views"). Unlike
 * writeFileAtomic it does not fsync: these are image archives and blobs of
 * gigabytes, made again from the store should a crash tear one.
 */
export async function writeChunksAtomic(file: string, chunks: AsyncIterable<Buffer>): Promise<void> {
  const dir = dirname(file);
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new CognixError({ file, message: `cannot write it: ${dir} is not an existing directory` });
  }
  const tmp = tempPathBeside(file);
  const fh = await open(tmp, "w", 0o644);
  try {
    for await (const chunk of chunks) {
      for (let off = 0; off < chunk.length; ) {
        const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
        if (bytesWritten <= 0) throw shortWrite(file, off, chunk.length);
        off += bytesWritten;
      }
    }
    await fh.close();
    renameSync(tmp, file);
  } catch (err) {
    await fh.close().catch(() => undefined);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes chunks into an already open stream (stdout) without ending it, each
 * one handed to the system before the next is asked for (as above); its
 * errors (EPIPE) reject, and stop the source.
 */
export async function writeChunksTo(out: Writable, chunks: AsyncIterable<Buffer>): Promise<void> {
  let failed: Error | undefined;
  const onError = (err: Error): void => {
    failed ??= err;
  };
  out.on("error", onError);
  try {
    for await (const chunk of chunks) {
      if (failed !== undefined) throw failed;
      await new Promise<void>((resolve, reject) => out.write(chunk, (err) => (err === undefined || err === null ? resolve() : reject(err))));
    }
    if (failed !== undefined) throw failed;
  } finally {
    out.off("error", onError);
  }
}
