import { promisify } from "node:util";
import zlib from "node:zlib";
import { CognixError } from "../util/errors.ts";
import { crc32 } from "./crc32.ts";
import { looksIncompressible } from "./entropy.ts";

/**
 * Block-parallel compression, as pigz does it: the input is cut into fixed
 * blocks, each compressed on the thread pool while the next are read, and
 * the results are written in order. The output depends only on the input
 * bytes (block boundaries are fixed offsets, each block's level follows from
 * its own content), so the same layer always gives the same blob.
 *
 * - gzip: each block is raw deflate ending in a sync flush, primed with the
 *   previous block's last 32 KiB, so the blocks form one deflate stream
 *   inside one gzip member; incompressible blocks are stored (level 0).
 * - zstd: each block is a zstd frame of its own (a zstd stream may hold
 *   several frames), with a checksum.
 */

export type BlockCodec = "gzip" | "zstd";

export interface BlockOptions {
  codec: BlockCodec;
  /** Level for blocks worth compressing. */
  level: number;
  /** Blocks compressed at once. */
  parallel: number;
}

const GZIP_BLOCK = 1024 * 1024;
const ZSTD_BLOCK = 4 * 1024 * 1024;
const WINDOW = 32 * 1024;
/** gzip member header: no name, mtime 0, no extra flags, OS Unix. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);
/** A final fixed-Huffman deflate block with nothing in it: ends the stream. */
const DEFLATE_END = Buffer.from([0x03, 0x00]);

type Compress = (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>;
const deflateRaw = promisify(zlib.deflateRaw) as Compress;

/** Node's zstd (Node ≥ 22.15), when this runtime has it. */
export function zstdAvailable(): boolean {
  return typeof (zlib as unknown as Record<string, unknown>)["zstdCompress"] === "function";
}

function zstdCompress(buf: Buffer, level: number): Promise<Buffer> {
  const z = zlib as unknown as {
    zstdCompress?: (b: Buffer, o: { params: Record<number, number> }, cb: (e: Error | null, r: Buffer) => void) => void;
    constants: Record<string, number>;
  };
  const fn = z.zstdCompress;
  if (fn === undefined) return Promise.reject(new CognixError({ message: `zstd compression is not available in Node ${process.versions.node}` }));
  const params: Record<number, number> = {};
  params[z.constants["ZSTD_c_compressionLevel"]!] = level;
  params[z.constants["ZSTD_c_checksumFlag"]!] = 1;
  return new Promise((resolve, reject) => fn(buf, { params }, (e, r) => (e === null ? resolve(r) : reject(e))));
}

/** Fixed-size blocks of the input, the last one possibly shorter. */
async function* reblock(input: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let block = Buffer.allocUnsafe(size);
  let fill = 0;
  for await (const chunk of input) {
    for (let off = 0; off < chunk.length; ) {
      const n = chunk.copy(block, fill, off);
      off += n;
      fill += n;
      if (fill === size) {
        yield block;
        block = Buffer.allocUnsafe(size);
        fill = 0;
      }
    }
  }
  if (fill > 0) yield block.subarray(0, fill);
}

/** Compressed `input`, streamed in order; at most `parallel` blocks are in flight. */
export async function* compressBlocks(input: AsyncIterable<Buffer>, opts: BlockOptions): AsyncGenerator<Buffer> {
  const gzip = opts.codec === "gzip";
  if (gzip) yield GZIP_HEADER;
  const pending: Promise<Buffer>[] = [];
  let crc = 0;
  let size = 0;
  let previous: Buffer | undefined;
  try {
    for await (const block of reblock(input, gzip ? GZIP_BLOCK : ZSTD_BLOCK)) {
      let task: Promise<Buffer>;
      if (gzip) {
        crc = crc32(block, crc);
        const level = looksIncompressible(block) ? 0 : opts.level;
        const dictionary = level > 0 && previous !== undefined ? previous.subarray(previous.length - WINDOW) : undefined;
        task = deflateRaw(block, { level, finishFlush: zlib.constants.Z_SYNC_FLUSH, ...(dictionary !== undefined ? { dictionary } : {}) });
        previous = block;
      } else {
        task = zstdCompress(block, opts.level);
      }
      size += block.length;
      // Unobserved rejections would be reported before their turn comes.
      task.catch(() => undefined);
      pending.push(task);
      if (pending.length >= opts.parallel) yield await pending.shift()!;
    }
    while (pending.length > 0) yield await pending.shift()!;
  } finally {
    // Blocks still in flight after an error finish on the pool and are dropped.
    pending.length = 0;
  }
  if (gzip) {
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(size % 0x1_0000_0000, 4);
    yield Buffer.concat([DEFLATE_END, trailer]);
  }
}
