import { END_OF_ARCHIVE, encodeHeader, paddingFor } from "./tar-header.ts";
import type { StartedStream } from "./layer-source.ts";

/** An entry of an outer archive (docker-archive, OCI archive). */
export type ArchiveItem =
  | { name: string; type: "dir" }
  | { name: string; type: "file"; bytes: Buffer }
  | { name: string; type: "file"; size: number; start: () => StartedStream; onRead?: () => void };

type Streamed = Extract<ArchiveItem, { start: unknown }>;

/**
 * Streams a tar of the given items in the given order; streamed items must
 * produce exactly `size` bytes (layer streams verify that themselves). While
 * one streamed item is read, the next one is started, so that no item waits
 * for its producers to find files and fill their first buffers.
 */
export async function* archiveChunks(items: readonly ArchiveItem[], mtime: number): AsyncGenerator<Buffer> {
  const streamed = items.filter((i): i is Streamed => "start" in i);
  const started = new Map<Streamed, StartedStream>();
  const open = (item: Streamed): StartedStream => {
    let s = started.get(item);
    if (s === undefined) started.set(item, (s = item.start()));
    return s;
  };
  try {
    yield* archiveBody(items, mtime, (item) => {
      const s = open(item);
      started.delete(item);
      item.onRead?.();
      const next = streamed[streamed.indexOf(item) + 1];
      if (next !== undefined) open(next);
      return s.chunks;
    });
  } finally {
    // An archive that stops early leaves the started-ahead stream unread.
    for (const s of started.values()) s.cancel();
  }
}

async function* archiveBody(items: readonly ArchiveItem[], mtime: number, read: (item: Streamed) => AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
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
      for await (const chunk of read(item)) {
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
