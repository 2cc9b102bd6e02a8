/**
 * ustar headers with deterministic PAX extensions, only where ustar cannot
 * hold a value (long names, sizes of 8 GiB and more).
 */

export const BLOCK = 512;

export type TarType = "file" | "dir" | "symlink" | "hardlink";

export interface TarHeaderFields {
  /** Entry name without a leading slash; directories without a trailing slash. */
  name: string;
  type: TarType;
  mode: number;
  size: number;
  mtime: number;
  linkname?: string;
  /** The name's UTF-8 bytes (with the trailing slash of a directory) when the caller has them already. */
  nameBytes?: Buffer;
}

const MAX_OCTAL_11 = 0o77777777777;
const PAX_NAME = Buffer.from("././@PaxHeader");

function writeString(buf: Buffer, offset: number, length: number, value: Buffer): void {
  value.copy(buf, offset, 0, Math.min(value.length, length));
}

/** length-1 octal digits, zero padded, NUL terminated (as GNU tar and Go write them). */
function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  let v = value;
  for (let i = offset + length - 2; i >= offset; i--) {
    buf[i] = 0x30 + (v % 8);
    v = Math.floor(v / 8);
  }
  buf[offset + length - 1] = 0;
}

/** Splits a name into ustar prefix/name fields, or null when it does not fit. */
function splitUstarName(name: Buffer): { prefix: Buffer; name: Buffer } | null {
  if (name.length <= 100) return { prefix: EMPTY, name };
  if (name.length > 256) return null;
  // The split must fall on a '/': prefix ≤ 155 bytes, rest ≤ 100 bytes.
  for (let i = Math.min(155, name.length - 2); i > 0; i--) {
    if (name[i] === 0x2f && name.length - i - 1 <= 100 && name.length - i - 1 > 0) {
      return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
    }
  }
  return null;
}

const EMPTY = Buffer.alloc(0);
const MAGIC = Buffer.from("ustar\x0000", "latin1");

interface RawFields {
  name: Buffer;
  prefix: Buffer;
  typeflag: number;
  mode: number;
  size: number;
  mtime: number;
  linkname: Buffer;
}

/** One 512-byte ustar header, written at `off` of `h`. */
function writeRawHeader(h: Buffer, off: number, f: RawFields): void {
  h.fill(0, off, off + BLOCK);
  writeString(h, off, 100, f.name);
  writeOctal(h, off + 100, 8, f.mode);
  writeOctal(h, off + 108, 8, 0); // uid
  writeOctal(h, off + 116, 8, 0); // gid
  writeOctal(h, off + 124, 12, f.size);
  writeOctal(h, off + 136, 12, f.mtime);
  h.fill(0x20, off + 148, off + 156); // checksum field counts as spaces while summing
  h[off + 156] = f.typeflag;
  writeString(h, off + 157, 100, f.linkname);
  MAGIC.copy(h, off + 257);
  // uname/gname stay empty so no user database leaks into the image.
  writeOctal(h, off + 329, 8, 0); // devmajor
  writeOctal(h, off + 337, 8, 0); // devminor
  writeString(h, off + 345, 155, f.prefix);
  let sum = 0;
  for (let i = off; i < off + BLOCK; i++) sum += h[i]!;
  writeOctal(h, off + 148, 7, sum);
  h[off + 155] = 0x20;
}

/** One PAX record: "<len> <key>=<value>\n" where len counts itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, "utf8"), value, Buffer.from("\n")]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len), "ascii"), body]);
}

export function paddingFor(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

const TYPEFLAG_BYTE: Record<TarType, number> = { file: 0x30, hardlink: 0x31, symlink: 0x32, dir: 0x35 };

function nameBytesOf(f: TarHeaderFields): Buffer {
  return f.nameBytes ?? Buffer.from(f.type === "dir" ? `${f.name}/` : f.name, "utf8");
}

/**
 * Writes the header of an entry that needs no PAX record into `buf` at `off`
 * (512 bytes) and returns true; returns false, writing nothing, otherwise.
 */
export function writeHeaderInPlace(buf: Buffer, off: number, f: TarHeaderFields): boolean {
  if (f.size > MAX_OCTAL_11) return false;
  const linkname = f.linkname === undefined ? EMPTY : Buffer.from(f.linkname, "utf8");
  if (linkname.length > 100) return false;
  const split = splitUstarName(nameBytesOf(f));
  if (split === null) return false;
  writeRawHeader(buf, off, { name: split.name, prefix: split.prefix, typeflag: TYPEFLAG_BYTE[f.type], mode: f.mode, size: f.size, mtime: f.mtime, linkname });
  return true;
}

/** The header block(s) for one entry: an optional PAX header plus the ustar header. */
export function encodeHeader(f: TarHeaderFields): Buffer {
  const nameBytes = nameBytesOf(f);
  const linkBytes = Buffer.from(f.linkname ?? "", "utf8");
  const records: Buffer[] = [];
  let split = splitUstarName(nameBytes);
  if (split === null) {
    records.push(paxRecord("path", nameBytes));
    split = { prefix: EMPTY, name: nameBytes.subarray(0, 100) };
  }
  let linkField = linkBytes;
  if (linkBytes.length > 100) {
    records.push(paxRecord("linkpath", linkBytes));
    linkField = linkBytes.subarray(0, 100);
  }
  let sizeField = f.size;
  if (f.size > MAX_OCTAL_11) {
    records.push(paxRecord("size", Buffer.from(String(f.size), "ascii")));
    sizeField = 0;
  }
  const main = Buffer.alloc(BLOCK);
  writeRawHeader(main, 0, { name: split.name, prefix: split.prefix, typeflag: TYPEFLAG_BYTE[f.type], mode: f.mode, size: sizeField, mtime: f.mtime, linkname: linkField });
  if (records.length === 0) return main;
  const pax = Buffer.concat(records);
  const paxHeader = Buffer.alloc(BLOCK);
  writeRawHeader(paxHeader, 0, { name: PAX_NAME, prefix: EMPTY, typeflag: 0x78, mode: 0o644, size: pax.length, mtime: f.mtime, linkname: EMPTY });
  return Buffer.concat([paxHeader, pax, Buffer.alloc(paddingFor(pax.length)), main]);
}

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE: Buffer = Buffer.alloc(BLOCK * 2);
