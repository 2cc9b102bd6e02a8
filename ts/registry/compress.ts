import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { CognixError } from "../util/errors.ts";

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

type StreamFactory = (opts: { params: Record<number, number> }) => Transform;

/** Node's zstd streams (Node >= 22.15) when present. */
function zstdFactory(): StreamFactory | undefined {
  const f: unknown = (zlib as unknown as Record<string, unknown>).createZstdCompress;
  return typeof f === "function" ? (f as StreamFactory) : undefined;
}

/** The compression used: zstd only when asked for and this Node has it. */
export function chooseCompression(requested: Compression | undefined): { compression: Compression; note?: string } {
  if (requested === "zstd") {
    if (zstdFactory() !== undefined) return { compression: "zstd" };
    return { compression: "gzip", note: `zstd is not available in Node ${process.versions.node}; using gzip` };
  }
  return { compression: "gzip" };
}

/**
 * Deterministic compressor: fixed level, and Node's gzip header carries no
 * name and mtime 0, so the bytes depend only on the input and zlib.
 */
function compressor(c: Compression): Transform {
  if (c === "zstd") {
    const make = zstdFactory();
    if (make === undefined) throw new CognixError({ message: "zstd compression is not available in this Node" });
    const zc = (zlib as unknown as { constants: Record<string, number> }).constants;
    const level = zc.ZSTD_c_compressionLevel;
    const checksum = zc.ZSTD_c_checksumFlag;
    const params: Record<number, number> = {};
    if (level !== undefined) params[level] = 3;
    if (checksum !== undefined) params[checksum] = 1;
    return make({ params });
  }
  return zlib.createGzip({ level: 6, memLevel: 8, strategy: zlib.constants.Z_DEFAULT_STRATEGY });
}

/** Passes data through, hashing it and counting bytes. */
class Digester extends Transform {
  private readonly hash = createHash("sha256");
  size = 0;
  constructor(private readonly onBytes?: (n: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
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

/** Streams `input` through the compressor into `file`, hashing both sides. */
export async function compressToFile(
  input: NodeJS.ReadableStream,
  file: string,
  compression: Compression,
  onInput?: (bytes: number) => void,
): Promise<CompressedBlob> {
  const before = new Digester(onInput);
  const after = new Digester();
  await pipeline(input, before, compressor(compression), after, createWriteStream(file, { mode: 0o600 }));
  return { digest: after.digest(), size: after.size, inputDigest: before.digest(), inputSize: before.size };
}
