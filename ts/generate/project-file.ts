import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";

/** Largest files generate reads: far above real ones, far below what hurts. */
export const MAX_CONFIG_BYTES = 1 << 20;
export const MAX_REQUIREMENTS_BYTES = 4 << 20;
export const MAX_PYTHON_BYTES = 16 << 20;
export const MAX_COGNIX_JSON_BYTES = 16 << 20;

export type ReadResult = { ok: true; bytes: Buffer; real: string } | { ok: false; missing: boolean; why: string };

export function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * Reads a file of the model directory, checking what it is before opening
 * it: it (after any symlinks) must be inside `projectRoot`, a regular file,
 * and at most `maxBytes`. A device, a FIFO or a link out of the project is
 * never opened. `why` completes "<name> ...".
 */
export function readProjectFile(projectRoot: string, path: string, maxBytes: number): ReadResult {
  const abs = resolve(projectRoot, path);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, missing: true, why: isDanglingLink(abs) ? "is a symlink to nothing" : "not found" };
    return { ok: false, missing: false, why: `cannot be read (${code ?? String(err)})` };
  }
  if (!within(projectRoot, real)) return { ok: false, missing: false, why: "is outside the model directory" };
  let fd: number;
  try {
    const st = statSync(real);
    if (st.isDirectory()) return { ok: false, missing: false, why: "is a directory" };
    if (!st.isFile()) return { ok: false, missing: false, why: "is not a regular file" };
    if (st.size > maxBytes) return { ok: false, missing: false, why: tooLarge(maxBytes) };
    // O_NONBLOCK: should the file be swapped for a FIFO after the check, opening it must not hang.
    fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    return { ok: false, missing: false, why: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, missing: false, why: "is not a regular file" };
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got === buf.length) break;
    }
    if (got > maxBytes) return { ok: false, missing: false, why: tooLarge(maxBytes) };
    return { ok: true, bytes: buf.subarray(0, got), real };
  } catch (err) {
    return { ok: false, missing: false, why: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  } finally {
    closeSync(fd);
  }
}

function tooLarge(maxBytes: number): string {
  return `is larger than ${maxBytes / (1 << 20)} MiB, more than such a file ever needs`;
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
