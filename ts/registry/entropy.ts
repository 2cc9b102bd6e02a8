/** Bits per byte above which deflate would save under an eighth, at many times the cost of storing. */
const INCOMPRESSIBLE_BITS = 7;
/** Every 31st byte (over 60,000 samples in a 2 MiB block) tells compressed archives, wheels and weights from code and text. */
const STEP = 31;

/** Shannon entropy of the byte histogram of a sample of `block`, in bits per byte. */
export function byteEntropy(block: Uint8Array, step = STEP): number {
  const counts = new Uint32Array(256);
  let n = 0;
  for (let i = 0; i < block.length; i += step) {
    counts[block[i]!]!++;
    n++;
  }
  let bits = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** True for blocks not worth a compressor's time (stored as they are). */
export function looksIncompressible(block: Uint8Array): boolean {
  return byteEntropy(block) > INCOMPRESSIBLE_BITS;
}
