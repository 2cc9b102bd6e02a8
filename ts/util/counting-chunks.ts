/** Chunks passed on as they are, each one's length told to `onBytes` first (progress, sizes). */
export async function* countingChunks(chunks: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    onBytes(chunk.length);
    yield chunk;
  }
}
