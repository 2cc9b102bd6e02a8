import { CognixError } from "../util/errors.ts";

/** Nix's base-32 alphabet (no e, o, t, u). */
const NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";

/** Bytes of a Nix base-32 string, decoded the way Nix does (last character first). */
export function decodeNix32(s: string, size: number): Buffer | undefined {
  if (s.length !== Math.ceil((size * 8) / 5)) return undefined;
  const out = Buffer.alloc(size);
  for (let n = 0; n < s.length; n++) {
    const digit = NIX32.indexOf(s[s.length - n - 1]!);
    if (digit < 0) return undefined;
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    out[i]! |= (digit << j) & 0xff;
    const carry = digit >> (8 - j);
    if (i < size - 1) out[i + 1]! |= carry;
    else if (carry !== 0) return undefined;
  }
  return out;
}

/**
 * A sha256 in any form Nix and fetchers write it — `sha256:<hex>`,
 * `sha256:<nix32>`, SRI `sha256-<base64>`, bare hex or nix32 — as lowercase hex.
 */
export function sha256Hex(value: string): string | undefined {
  let body = value;
  if (body.startsWith("sha256-")) {
    const bytes = Buffer.from(body.slice(7), "base64");
    return bytes.length === 32 && bytes.toString("base64") === body.slice(7) ? bytes.toString("hex") : undefined;
  }
  if (body.startsWith("sha256:")) body = body.slice(7);
  if (/^[0-9a-f]{64}$/i.test(body)) return body.toLowerCase();
  return decodeNix32(body, 32)?.toString("hex");
}

/** `sha256Hex`, or a user error naming where the value came from. */
export function requireSha256(value: string, where: { file?: string; path: (string | number)[] }): string {
  const hex = sha256Hex(value);
  if (hex === undefined) {
    throw new CognixError({ ...where, message: `expected a sha256 (hex, Nix base-32 or SRI), got ${JSON.stringify(value).slice(0, 80)}` });
  }
  return hex;
}
