import zlib from "node:zlib";

type Crc32 = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | undefined;

/** CRC-32 (the gzip one) by table, for a Node without zlib.crc32 (before 20.15). */
function crc32Table(data: Uint8Array, value = 0): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 of `data` continuing from `value`: zlib's own where Node has it. */
export const crc32: Crc32 = (zlib as unknown as { crc32?: Crc32 }).crc32 ?? crc32Table;

export { crc32Table };
