import { createHash } from "node:crypto";
import { CognixError } from "../util/errors.ts";

export interface DigestResult {
  diffId: string;
  size: number;
}

/**
 * Passes chunks through while hashing them; the last chunk is held back until
 * the digest and size match, so a changed store never yields a complete tar.
 */
export async function* verifiedChunks(chunks: AsyncIterable<Buffer>, expected: DigestResult, label: string): AsyncGenerator<Buffer> {
  const hash = createHash("sha256");
  let size = 0;
  let held: Buffer | undefined;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.length;
    if (size > expected.size) break;
    if (held !== undefined) yield held;
    held = chunk;
  }
  const diffId = `sha256:${hash.digest("hex")}`;
  if (size !== expected.size || diffId !== expected.diffId) {
    throw new CognixError({
      message:
        `${label}: content changed since the spec was written (expected ${expected.diffId}, ${expected.size} bytes; ` +
        `got ${size > expected.size ? "more bytes" : `${diffId}, ${size} bytes`}). Rebuild the spec.`,
    });
  }
  if (held !== undefined) yield held;
}
