import { closeSync, fstatSync, lstatSync, openSync, readSync, type Stats } from "node:fs";
import { CognixError } from "../util/errors.ts";
import { BLOCK, END_OF_ARCHIVE, encodeHeader, paddingFor, writeHeaderInPlace, type TarHeaderFields } from "./tar-header.ts";
import { fileModeFor, type TarEntry } from "./layer-entries.ts";

/** Where tar bytes go: fixed-size buffers, filled in place and handed over whole. */
export interface SlotSink {
  /** The buffer to fill next; the same one until it is published. */
  slot(): Buffer;
  /** Hands over the first `length` bytes of the current slot. */
  publish(length: number): void;
}

function fileError(path: string, err: unknown, what: string): CognixError {
  return new CognixError({ file: path, message: `${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
}

function sizeError(path: string, size: number, grew: boolean): CognixError {
  return new CognixError({ file: path, message: `file ${grew ? "grew" : "shrank"} while reading (expected ${size} bytes)` });
}

/**
 * Writes a layer tar synchronously into the sink's buffers: headers are
 * copied in, file contents are read straight into place with one read per
 * buffer (a small file is one read), so there is no per-chunk allocation.
 */
class TarWriter {
  private buf: Buffer;
  private fill = 0;
  private readonly probe = Buffer.allocUnsafe(1);

  constructor(private readonly sink: SlotSink) {
    this.buf = sink.slot();
  }

  private advance(n: number): void {
    this.fill += n;
    if (this.fill === this.buf.length) {
      this.sink.publish(this.fill);
      this.buf = this.sink.slot();
      this.fill = 0;
    }
  }

  /** An entry's header: in place when ustar holds it (the stream is block aligned here), else with its PAX record. */
  header(f: TarHeaderFields): void {
    if (writeHeaderInPlace(this.buf, this.fill, f)) this.advance(BLOCK);
    else this.bytes(encodeHeader(f));
  }

  bytes(b: Buffer): void {
    for (let off = 0; off < b.length; ) {
      const n = b.copy(this.buf, this.fill, off);
      off += n;
      this.advance(n);
    }
  }

  zeros(count: number): void {
    for (let left = count; left > 0; ) {
      const n = Math.min(left, this.buf.length - this.fill);
      this.buf.fill(0, this.fill, this.fill + n);
      left -= n;
      this.advance(n);
    }
  }

  /** Exactly `size` bytes of the open file `fd`, failing if it is now shorter or longer. */
  contents(fd: number, path: string, size: number): void {
    {
      let pos = 0;
      let endSeen = false;
      while (pos < size) {
        const left = size - pos;
        const room = this.buf.length - this.fill;
        // With room to spare, ask for one byte more: a regular file reads short
        // only at its end, so a short read here proves it did not grow.
        const ask = room > left ? left + 1 : room;
        const n = readSync(fd, this.buf, this.fill, ask, pos);
        if (n === 0) throw sizeError(path, size, false);
        if (n > left) throw sizeError(path, size, true);
        endSeen = ask > left;
        pos += n;
        this.advance(n);
      }
      if (!endSeen && readSync(fd, this.probe, 0, 1, size) !== 0) throw sizeError(path, size, true);
    }
  }

  /** The end-of-archive blocks, and whatever is left in the current buffer. */
  end(): void {
    this.bytes(END_OF_ARCHIVE);
    if (this.fill > 0) this.sink.publish(this.fill);
    this.fill = 0;
  }
}

function lstatFile(path: string): Stats {
  try {
    return lstatSync(path);
  } catch (err) {
    throw fileError(path, err, "cannot read");
  }
}

function openFile(path: string): number {
  try {
    return openSync(path, "r");
  } catch (err) {
    throw fileError(path, err, "cannot open");
  }
}

/** Hard links: those recorded in the spec, or found now by inode (the first name keeps the bytes). */
export type HardlinkMode = { recorded: Readonly<Record<string, string>> } | { find: true };

/**
 * The bytes of a layer tar, in entry order, into `sink`; returns the hard
 * links it wrote (tar name → earlier name). Recorded links are written as
 * links whatever the files are on disk now, so the bytes stay those digested.
 */
export function writeLayerTar(entries: readonly TarEntry[], links: HardlinkMode, mtime: number, sink: SlotSink): Record<string, string> {
  const w = new TarWriter(sink);
  const recorded = "recorded" in links ? links.recorded : undefined;
  const written: Record<string, string> = {};
  const firstByInode = new Map<string, string>();
  for (const e of entries) {
    const link = recorded?.[e.name];
    if (link !== undefined) {
      if (e.type !== "file") throw new CognixError({ message: `/${e.name} is recorded as a hard link but is no longer a regular file` });
      // The link's mode is that of the file under this name, as when it was digested.
      const mode = e.modeRule === undefined ? e.mode : fileModeFor(e.modeRule, lstatFile(e.source ?? e.name).mode);
      w.header({ name: e.name, nameBytes: e.key, type: "hardlink", mode, size: 0, mtime, linkname: link });
      written[e.name] = link;
      continue;
    }
    if (e.type !== "file") {
      w.header({ name: e.name, nameBytes: e.type === "dir" ? undefined : e.key, type: e.type, mode: e.mode, size: 0, mtime, ...(e.linkname !== undefined ? { linkname: e.linkname } : {}) });
      continue;
    }
    if (e.source === undefined || (e.size === 0 && e.modeRule === undefined)) {
      w.header({ name: e.name, nameBytes: e.key, type: "file", mode: e.mode, size: e.size, mtime });
      if (e.content !== undefined) w.bytes(e.content);
      w.zeros(paddingFor(e.size));
      continue;
    }
    const fd = openFile(e.source);
    try {
      let { mode, size } = e;
      if (e.modeRule !== undefined) {
        const st = fstatSync(fd);
        if (!st.isFile()) throw new CognixError({ file: e.source, message: "is no longer a regular file" });
        mode = fileModeFor(e.modeRule, st.mode);
        size = st.size;
        if (recorded === undefined && st.nlink > 1) {
          const inode = `${st.dev}:${st.ino}`;
          const first = firstByInode.get(inode);
          if (first !== undefined) {
            w.header({ name: e.name, nameBytes: e.key, type: "hardlink", mode, size: 0, mtime, linkname: first });
            written[e.name] = first;
            continue;
          }
          firstByInode.set(inode, e.name);
        }
      }
      w.header({ name: e.name, nameBytes: e.key, type: "file", mode, size, mtime });
      if (size > 0) w.contents(fd, e.source, size);
      w.zeros(paddingFor(size));
    } finally {
      closeSync(fd);
    }
  }
  w.end();
  return written;
}
