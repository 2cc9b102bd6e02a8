import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { pipeline as pipelineStreams, Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { availableParallelism } from "node:os";
import { compressBlocks, zstdAvailable } from "./block-compress.ts";
import { verifiedDigestOf } from "./verified-stream.ts";
import { countingChunks } from "../util/counting-chunks.ts";

export type Compression = "gzip" | "zstd";

export const LAYER_MEDIA_TYPES: Record<Compression, string> = {
  gzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  zstd: "application/vnd.oci.image.layer.v1.tar+zstd",
};

/** Compression a manifest layer media type says its blob uses, if one we produce. */
export function compressionOf(mediaType: string): Compression | undefined {
  if (/\+gzip$|\.tar\.gzip$/.test(mediaType)) return "gzip";
  if (/\+zstd$/.test(mediaType)) return "zstd";
  return undefined;
}

/**
 * Levels chosen by measurement (bench/compress-levels.ts, README "Measured
 * here"): gzip 1 compresses real libraries 2.5× faster than 6 for a blob
 * 8% larger, and zstd 3 is the fastest push over a 1 Gbit/s link. Blocks
 * that look incompressible are stored, not compressed (block-compress.ts).
 */
export const LEVELS: Record<Compression, number> = { gzip: 1, zstd: 3 };

/** The compression used: zstd only when asked for and this Node has it. */
export function chooseCompression(requested: Compression | undefined): { compression: Compression; note?: string } {
  if (requested === "zstd") {
    if (zstdAvailable()) return { compression: "zstd" };
    return { compression: "gzip", note: `zstd is not available in Node ${process.versions.node}; using gzip` };
  }
  return { compression: "gzip" };
}

/** Passes data through, counting bytes and (unless told not to) hashing them. */
class Digester extends Transform {
  private readonly hash = createHash("sha256");
  size = 0;
  constructor(
    private readonly onBytes?: (n: number) => void,
    private readonly hashing = true,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.hashing) this.hash.update(chunk);
    this.size += chunk.length;
    this.onBytes?.(this.size);
    cb(null, chunk);
  }
  digest(): string {
    return `sha256:${this.hash.digest("hex")}`;
  }
}

export interface CompressedBlob {
  digest: string;
  size: number;
  /** Digest and size of the input, to check it against the layer's diffId. */
  inputDigest: string;
  inputSize: number;
}

/** Streams `input` through the compressor into `file`, hashing both sides; blocks are compressed in parallel. */
export async function compressToFile(
  input: NodeJS.ReadableStream,
  file: string,
  compression: Compression,
  onInput?: (bytes: number) => void,
): Promise<CompressedBlob> {
  const c = compressedStream(input, compression, onInput);
  await pipeline(c.stream, createWriteStream(file, { mode: 0o600 }));
  return c.result();
}

export interface CompressingStream {
  /** The compressed bytes, the same as compressToFile writes. */
  stream: Readable;
  /** Both digests; only once `stream` has ended. */
  result(): CompressedBlob;
}

/**
 * `input` compressed as a stream, hashing both sides on the way, for a blob
 * sent while it is made. Destroying the stream stops the compression and
 * destroys `input`.
 */
export function compressedStream(input: NodeJS.ReadableStream, compression: Compression, onInput?: (bytes: number) => void): CompressingStream {
  // A stream that verifies itself is not hashed twice: reaching its end means it matched.
  const verified = verifiedDigestOf(input);
  const after = new Digester();
  const options = { codec: compression, level: LEVELS[compression], parallel: availableParallelism() };
  let stream: Readable;
  let inputSize: () => number;
  let inputDigest: () => string;
  if (verified?.views !== undefined) {
    // The compressor copies every view into its own blocks before asking for the next.
    let size = 0;
    const counted = countingChunks(verified.views(), (n) => onInput?.((size += n)));
    stream = pipelineStreams(Readable.from(compressBlocks(counted, options), { objectMode: false }), after, () => undefined);
    inputSize = () => size;
    inputDigest = () => verified.digest;
  } else {
    const before = new Digester(onInput, verified === undefined);
    stream = pipelineStreams(input, before, (source: AsyncIterable<Buffer>) => compressBlocks(source, options), after, () => undefined);
    inputSize = () => before.size;
    inputDigest = () => (verified !== undefined && verified.size === before.size ? verified.digest : before.digest());
  }
  let ended = false;
  stream.once("end", () => (ended = true));
  return {
    stream,
    result(): CompressedBlob {
      if (!ended) throw new Error("the compressed stream has not ended");
      return { digest: after.digest(), size: after.size, inputDigest: inputDigest(), inputSize: inputSize() };
    },
  };
}
