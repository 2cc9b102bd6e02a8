import { closeSync, openSync, readSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { createHash } from "node:crypto";
import { CognixError } from "../util/errors.ts";
import { END_OF_ARCHIVE, encodeHeader, paddingFor } from "./tar-header.ts";
import type { TarEntry } from "./layer-entries.ts";

const READ_CHUNK = 1 << 20;
const COALESCE = 256 * 1024;

const SMALL_FILE = 64 * 1024;

function fileError(path: string, err: unknown, what: string): CognixError {
  return new CognixError({ file: path, message: `${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
}

/** Small files in one synchronous read: cheaper than three thread-pool round trips. */
function smallFile(path: string, size: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    throw fileError(path, err, "cannot open");
  }
  try {
    // One spare byte tells a file that grew from one that did not.
    const buf = Buffer.allocUnsafe(size + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
      if (got === buf.length) break;
    }
    if (got !== size) {
      throw new CognixError({ file: path, message: `file ${got < size ? "shrank" : "grew"} while reading (expected ${size} bytes)` });
    }
    return buf.subarray(0, size);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads exactly `size` bytes of a file, failing if it is shorter or longer
 * now. The next chunk is already being read while the consumer handles the
 * current one, so reading and hashing overlap.
 */
async function* fileChunks(path: string, size: number): AsyncGenerator<Buffer> {
  if (size <= SMALL_FILE) {
    yield smallFile(path, size);
    return;
  }
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (err) {
    throw fileError(path, err, "cannot open");
  }
  const readAt = async (pos: number): Promise<Buffer> => {
    const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, size - pos));
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) throw new CognixError({ file: path, message: `file shrank while reading (expected ${size} bytes)` });
    return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  };
  let next: Promise<Buffer> | undefined;
  try {
    let pos = 0;
    next = readAt(0);
    while (next !== undefined) {
      const chunk = await next;
      pos += chunk.length;
      next = pos < size ? readAt(pos) : undefined;
      yield chunk;
    }
    const probe = Buffer.alloc(1);
    if ((await fh.read(probe, 0, 1, size)).bytesRead !== 0) {
      throw new CognixError({ file: path, message: `file grew while reading (expected ${size} bytes)` });
    }
  } finally {
    // A read still in flight must settle before the handle closes.
    await next?.catch(() => undefined);
    await fh.close();
  }
}

/**
 * The bytes of a layer tar, generated entry by entry: only one read chunk is
 * in memory at a time. Small pieces are coalesced so consumers see few,
 * reasonably sized buffers.
 */
export async function* layerTarChunks(
  entries: readonly TarEntry[],
  hardlinks: Readonly<Record<string, string>>,
  mtime: number,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  const flush = (): Buffer => {
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingSize);
    pending = [];
    pendingSize = 0;
    return out;
  };
  const add = (b: Buffer): boolean => {
    pending.push(b);
    pendingSize += b.length;
    return pendingSize >= COALESCE;
  };
  for (const e of entries) {
    const link = hardlinks[e.name];
    if (link !== undefined) {
      if (e.type !== "file") throw new CognixError({ message: `/${e.name} is recorded as a hard link but is no longer a regular file` });
      if (add(encodeHeader({ name: e.name, type: "hardlink", mode: e.mode, size: 0, mtime, linkname: link }))) yield flush();
      continue;
    }
    const header = encodeHeader({
      name: e.name,
      type: e.type,
      mode: e.mode,
      size: e.type === "file" ? e.size : 0,
      mtime,
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
    });
    if (add(header)) yield flush();
    if (e.type !== "file") continue;
    if (e.content !== undefined) {
      if (add(e.content)) yield flush();
    } else if (e.source !== undefined && e.size > 0) {
      for await (const chunk of fileChunks(e.source, e.size)) {
        if (chunk.length >= COALESCE) {
          if (pendingSize > 0) yield flush();
          yield chunk;
        } else if (add(chunk)) yield flush();
      }
    }
    const pad = paddingFor(e.size);
    if (pad > 0 && add(Buffer.alloc(pad))) yield flush();
  }
  add(END_OF_ARCHIVE);
  yield flush();
}

export interface DigestResult {
  diffId: string;
  size: number;
}

/** Digests a chunk stream without keeping it: sha256 and byte count. */
export async function digestChunks(chunks: AsyncIterable<Buffer>, onBytes?: (n: number) => void): Promise<DigestResult> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.length;
    onBytes?.(chunk.length);
  }
  return { diffId: `sha256:${hash.digest("hex")}`, size };
}

/**
 * Passes chunks through while hashing them; the last chunk is held back until
 * the digest and size match, so a changed store never yields a complete tar.
 */
export async function* verifiedChunks(chunks: AsyncIterable<Buffer>, expected: DigestResult, label: string): AsyncGenerator<Buffer> {
  const hash = createHash("sha256");
  let size = 0;
  let held: Buffer | undefined;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.length;
    if (size > expected.size) break;
    if (held !== undefined) yield held;
    held = chunk;
  }
  const diffId = `sha256:${hash.digest("hex")}`;
  if (size !== expected.size || diffId !== expected.diffId) {
    throw new CognixError({
      message:
        `${label}: content changed since the spec was written (expected ${expected.diffId}, ${expected.size} bytes; ` +
        `got ${size > expected.size ? "more bytes" : `${diffId}, ${size} bytes`}). Rebuild the spec.`,
    });
  }
  if (held !== undefined) yield held;
}
