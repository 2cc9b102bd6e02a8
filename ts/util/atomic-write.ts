import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";

/**
 * Writes `data` to `path` so that readers see either the old file or the whole
 * new one: a temporary file beside it, every byte written, fsync, rename.
 * A short write (full disk, file size limit) fails and leaves `path` as it was.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  const tmp = tempPathBeside(path);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", mode);
    writeAll(fd, bytes, path);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * A new temporary file name beside `path`, for a write that renames it onto
 * `path`; first removes what writers of `path` that were killed left behind
 * (an interrupted image write can leave gigabytes).
 */
export function tempPathBeside(path: string): string {
  const dir = dirname(path);
  const name = basename(path);
  removeDeadWritersFiles(dir, name);
  // The pid in the name lets a later write tell a dead writer's leftover from a live one's file.
  return join(dir, `.${name}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
}

/** write(2) may take fewer bytes than offered; keep going, and fail rather than stop early. */
function writeAll(fd: number, bytes: Uint8Array, path: string): void {
  let off = 0;
  while (off < bytes.length) {
    const n = writeSync(fd, bytes, off, bytes.length - off);
    if (n <= 0) throw shortWrite(path, off, bytes.length);
    off += n;
  }
}

/** A write(2) that took nothing: the disk is full or the file at its size limit. */
export function shortWrite(path: string, took: number, of: number): Error {
  return Object.assign(new Error(`${path}: the disk took ${took} of ${of} bytes`), { code: "ENOSPC" });
}

/** Temporary files of `name` whose writer was killed before it could clean up. */
function removeDeadWritersFiles(dir: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.${name}.`;
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith(".tmp")) continue;
    const m = /^(\d+)-[0-9a-f]{12}\.tmp$/.exec(entry.slice(prefix.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && !isAlive(pid)) rmSync(join(dir, entry), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
