/** A minimal tar reader for assertions: names, types, modes, owners, links, content. */
export interface ReadEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  size: number;
  linkname: string;
  content: Buffer;
  hadPax: boolean;
}

function str(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const nul = s.indexOf(0);
  return (nul >= 0 ? s.subarray(0, nul) : s).toString("utf8");
}

function oct(b: Buffer, off: number, len: number): number {
  const s = str(b, off, len).trim();
  return s === "" ? 0 : parseInt(s, 8);
}

export function readTar(buf: Buffer): ReadEntry[] {
  const out: ReadEntry[] = [];
  let off = 0;
  let pax: Record<string, string> = {};
  let hadPax = false;
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const type = String.fromCharCode(h[156]!);
    let size = oct(h, 124, 12);
    const prefix = str(h, 345, 155);
    let name = str(h, 0, 100);
    if (prefix !== "") name = `${prefix}/${name}`;
    let linkname = str(h, 157, 100);
    const body = buf.subarray(off + 512, off + 512 + size);
    if (type === "x") {
      let p = 0;
      while (p < body.length) {
        const sp = body.indexOf(0x20, p);
        const len = Number(body.subarray(p, sp).toString("ascii"));
        const rec = body.subarray(sp + 1, p + len - 1).toString("utf8");
        const eq = rec.indexOf("=");
        pax[rec.slice(0, eq)] = rec.slice(eq + 1);
        p += len;
      }
      hadPax = true;
      off += 512 + Math.ceil(size / 512) * 512;
      continue;
    }
    if (pax["path"] !== undefined) name = pax["path"];
    if (pax["linkpath"] !== undefined) linkname = pax["linkpath"];
    if (pax["size"] !== undefined) size = Number(pax["size"]);
    out.push({
      name,
      type,
      mode: oct(h, 100, 8),
      uid: oct(h, 108, 8),
      gid: oct(h, 116, 8),
      uname: str(h, 265, 32),
      gname: str(h, 297, 32),
      mtime: oct(h, 136, 12),
      size,
      linkname,
      content: Buffer.from(buf.subarray(off + 512, off + 512 + size)),
      hadPax,
    });
    pax = {};
    hadPax = false;
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
