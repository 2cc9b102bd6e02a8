// The store path Nix gives a locked flake input's source tree, from the
// lock's narHash alone: a content-addressed path (sha256 over the NAR,
// "recursive", named "source"), computed as Nix's makeFixedOutputPath does.
// Newer Nix (2.25 and later) no longer answers "is this input in the store?"
// through builtins.fetchTree outside the flake machinery, so the path is
// computed and its validity asked directly.
import { createHash } from "node:crypto";

const NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";

/** Nix's base-32: 5 bits at a time, starting from the end of the bytes. */
function nix32(bytes: Uint8Array): string {
  const len = Math.floor((bytes.length * 8 - 1) / 5) + 1;
  let out = "";
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    const c = ((bytes[i] ?? 0) >> j) | (i + 1 < bytes.length ? (bytes[i + 1] ?? 0) << (8 - j) : 0);
    out += NIX32[c & 31];
  }
  return out;
}

/** Nix's compressHash: XOR-fold a digest into `size` bytes. */
function fold(digest: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  digest.forEach((byte, i) => (out[i % size]! ^= byte));
  return out;
}

/** The store path for an SRI `sha256-…` narHash, or null for any other form. */
export function sourceStorePath(narHash: string, storeDir = "/nix/store"): string | null {
  const m = /^sha256-([A-Za-z0-9+/]{43}=)$/.exec(narHash);
  if (m === null) return null;
  const hex = Buffer.from(m[1]!, "base64").toString("hex");
  const inner = createHash("sha256").update(`source:sha256:${hex}:${storeDir}:source`).digest();
  return `${storeDir}/${nix32(fold(inner, 20))}-source`;
}
