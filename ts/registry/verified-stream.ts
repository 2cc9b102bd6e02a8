/**
 * Marks a stream that checks its own bytes against a known digest and fails
 * before its last chunk otherwise (a spec's layer streams do): whoever reads
 * it to the end has those bytes, so hashing them again would be wasted.
 */
export const VERIFIED_DIGEST = Symbol.for("cognix.verifiedDigest");

export interface VerifiedDigest {
  digest: string;
  size: number;
  /**
   * The same bytes, unread so far, as views of buffers that are refilled:
   * each valid only until the next is asked for. For a reader that copies
   * every chunk before asking for the next; the stream itself is then left unread.
   */
  views?: () => AsyncIterable<Buffer>;
}

export function markVerified<T extends object>(stream: T, v: VerifiedDigest): T {
  Object.defineProperty(stream, VERIFIED_DIGEST, { value: v, enumerable: false });
  return stream;
}

export function verifiedDigestOf(stream: object): VerifiedDigest | undefined {
  return (stream as { [VERIFIED_DIGEST]?: VerifiedDigest })[VERIFIED_DIGEST];
}
