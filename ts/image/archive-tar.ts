import { END_OF_ARCHIVE, encodeHeader, paddingFor } from "./tar-header.ts";

/** An entry of an outer archive (docker-archive, OCI archive). */
export type ArchiveItem =
  | { name: string; type: "dir" }
  | { name: string; type: "file"; bytes: Buffer }
  | { name: string; type: "file"; size: number; chunks: () => AsyncIterable<Buffer> };

/**
 * Streams a tar of the given items in the given order; streamed items must
 * produce exactly `size` bytes (layer streams verify that themselves).
 */
export async function* archiveChunks(items: readonly ArchiveItem[], mtime: number): AsyncGenerator<Buffer> {
  for (const item of items) {
    if (item.type === "dir") {
      yield encodeHeader({ name: item.name, type: "dir", mode: 0o755, size: 0, mtime });
      continue;
    }
    const size = "bytes" in item ? item.bytes.length : item.size;
    yield encodeHeader({ name: item.name, type: "file", mode: 0o644, size, mtime });
    if ("bytes" in item) yield item.bytes;
    else {
      let written = 0;
      for await (const chunk of item.chunks()) {
        written += chunk.length;
        yield chunk;
      }
      if (written !== size) throw new Error(`${item.name}: produced ${written} bytes, expected ${size}`);
    }
    const pad = paddingFor(size);
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield END_OF_ARCHIVE;
}
