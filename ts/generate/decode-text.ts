/** Where decoding stopped: a byte offset, and line/column as editors count them. */
export interface DecodeFailure {
  message: string;
  line: number;
  column: number;
  /** Index in `lossy` (the text decoded with replacement characters) of the bad spot. */
  index: number;
  lossy: string;
}

export type Decoded = { ok: true; text: string } | ({ ok: false } & DecodeFailure);

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const WIDE_BOMS: [Buffer, string][] = [
  [Buffer.from([0x00, 0x00, 0xfe, 0xff]), "UTF-32"],
  [Buffer.from([0xff, 0xfe, 0x00, 0x00]), "UTF-32"],
  [Buffer.from([0xfe, 0xff]), "UTF-16"],
  [Buffer.from([0xff, 0xfe]), "UTF-16"],
];

/**
 * Decodes a text file that must be UTF-8 (a UTF-8 BOM is dropped). UTF-16 and
 * UTF-32 files, NUL bytes and invalid UTF-8 are failures that say where they
 * are, never silently replaced.
 */
export function decodeUtf8(bytes: Buffer): Decoded {
  for (const [bom, name] of WIDE_BOMS) {
    if (bytes.subarray(0, bom.length).equals(bom)) {
      return { ok: false, message: `the file is ${name} text; save it as UTF-8`, line: 1, column: 1, index: 0, lossy: "" };
    }
  }
  const body = bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  const bad = firstInvalidUtf8(body);
  if (nul < 0 && bad < 0) return { ok: true, text: body.toString("utf8") };
  const at = bad < 0 ? nul : nul < 0 ? bad : Math.min(nul, bad);
  const prefix = body.subarray(0, at).toString("utf8");
  const lineStart = prefix.lastIndexOf("\n") + 1;
  const where = { line: prefix.split("\n").length, column: prefix.length - lineStart + 1, index: prefix.length, lossy: body.toString("utf8") };
  if (at === nul) {
    // Every other byte NUL is what UTF-16 without a BOM looks like.
    const wide = body.length >= 4 && (body[1] === 0 || body[0] === 0) && (body[3] === 0 || body[2] === 0);
    const message = wide ? "the file looks like UTF-16 text; save it as UTF-8" : "a NUL byte; the file must be UTF-8 text";
    return { ok: false, message, ...where };
  }
  return { ok: false, message: `byte 0x${(body[at] ?? 0).toString(16).padStart(2, "0")} is not valid UTF-8; save the file as UTF-8`, ...where };
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= b.length) return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cont = b[i + k];
      if (cont === undefined || (cont & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cont & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}
