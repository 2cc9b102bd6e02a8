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
}

const TYPEFLAG: Record<TarType, string> = { file: "0", hardlink: "1", symlink: "2", dir: "5" };
const MAX_OCTAL_11 = 0o77777777777;
const PAX_NAME = "././@PaxHeader";

function writeString(buf: Buffer, offset: number, length: number, value: Buffer): void {
  value.copy(buf, offset, 0, Math.min(value.length, length));
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  // length-1 digits, zero padded, NUL terminated (as GNU tar and Go write them).
  const digits = value.toString(8).padStart(length - 1, "0");
  buf.write(`${digits}\0`, offset, length, "ascii");
}

/** Splits a name into ustar prefix/name fields, or null when it does not fit. */
function splitUstarName(name: Buffer): { prefix: Buffer; name: Buffer } | null {
  if (name.length <= 100) return { prefix: Buffer.alloc(0), name };
  if (name.length > 256) return null;
  // The split must fall on a '/': prefix ≤ 155 bytes, rest ≤ 100 bytes.
  for (let i = Math.min(155, name.length - 2); i > 0; i--) {
    if (name[i] === 0x2f && name.length - i - 1 <= 100 && name.length - i - 1 > 0) {
      return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
    }
  }
  return null;
}

function rawHeader(f: {
  name: Buffer;
  prefix: Buffer;
  typeflag: string;
  mode: number;
  size: number;
  mtime: number;
  linkname: Buffer;
}): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeString(h, 0, 100, f.name);
  writeOctal(h, 100, 8, f.mode);
  writeOctal(h, 108, 8, 0); // uid
  writeOctal(h, 116, 8, 0); // gid
  writeOctal(h, 124, 12, f.size);
  writeOctal(h, 136, 12, f.mtime);
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  h.write(f.typeflag, 156, 1, "ascii");
  writeString(h, 157, 100, f.linkname);
  h.write("ustar\0", 257, 6, "ascii");
  h.write("00", 263, 2, "ascii");
  // uname/gname stay empty so no user database leaks into the image.
  writeOctal(h, 329, 8, 0); // devmajor
  writeOctal(h, 337, 8, 0); // devminor
  writeString(h, 345, 155, f.prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return h;
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

/** The header block(s) for one entry: an optional PAX header plus the ustar header. */
export function encodeHeader(f: TarHeaderFields): Buffer {
  const nameBytes = Buffer.from(f.type === "dir" ? `${f.name}/` : f.name, "utf8");
  const linkBytes = Buffer.from(f.linkname ?? "", "utf8");
  const records: Buffer[] = [];
  let split = splitUstarName(nameBytes);
  if (split === null) {
    records.push(paxRecord("path", nameBytes));
    split = { prefix: Buffer.alloc(0), name: nameBytes.subarray(0, 100) };
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
  const main = rawHeader({
    name: split.name,
    prefix: split.prefix,
    typeflag: TYPEFLAG[f.type],
    mode: f.mode,
    size: sizeField,
    mtime: f.mtime,
    linkname: linkField,
  });
  if (records.length === 0) return main;
  const pax = Buffer.concat(records);
  const paxHeader = rawHeader({
    name: Buffer.from(PAX_NAME),
    prefix: Buffer.alloc(0),
    typeflag: "x",
    mode: 0o644,
    size: pax.length,
    mtime: f.mtime,
    linkname: Buffer.alloc(0),
  });
  return Buffer.concat([paxHeader, pax, Buffer.alloc(paddingFor(pax.length)), main]);
}

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE: Buffer = Buffer.alloc(BLOCK * 2);
