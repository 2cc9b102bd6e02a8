import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { compressBlocks, zstdAvailable, type BlockOptions } from "../block-compress.ts";
import { crc32, crc32Table } from "../crc32.ts";
import { byteEntropy } from "../entropy.ts";
import { collectGarbage } from "../../util/collect-garbage.ts";

const MiB = 1024 * 1024;

async function compress(input: Buffer, opts: BlockOptions, chunk = 100_000): Promise<Buffer> {
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let off = 0; off < input.length; off += chunk) yield input.subarray(off, off + chunk);
  }
  const out: Buffer[] = [];
  for await (const b of compressBlocks(pieces(), opts)) out.push(b);
  return Buffer.concat(out);
}

/** Text-like bytes that repeat across block boundaries, as code and libraries do. */
function code(size: number): Buffer {
  const lines: string[] = [];
  for (let i = 0, n = 0; n < size; i++) {
    const line = `def f${i % 977}(x):\n    return x * ${i % 13} + ${(i * 7919) % 10007}\n`;
    lines.push(line);
    n += line.length;
  }
  return Buffer.from(lines.join("")).subarray(0, size);
}

function external(tool: string, args: string[], input: Buffer): Buffer | undefined {
  const r = spawnSync(tool, args, { input, maxBuffer: 1 << 28 });
  return r.error === undefined && r.status === 0 ? r.stdout : undefined;
}

describe("block-parallel compression", () => {
  // 3.5 MiB of code, 2.25 MiB of random bytes (weights, wheels), then code again: blocks of every kind.
  const input = Buffer.concat([code(3.5 * MiB), randomBytes(2.25 * MiB), code(MiB + 333)]);
  const gzip: BlockOptions = { codec: "gzip", level: 1, parallel: 3 };

  it("gzip: one member that zlib and gzip(1) decode to the input, the same bytes however the input is chunked", async () => {
    const a = await compress(input, gzip, 100_000);
    const b = await compress(input, { ...gzip, parallel: 1 }, 1 << 20);
    expect(a.equals(b)).toBe(true);
    expect(zlib.gunzipSync(a).equals(input)).toBe(true);
    const viaTool = external("gzip", ["-dc"], a);
    if (viaTool !== undefined) expect(viaTool.equals(input)).toBe(true);
    // mtime 0, no name: nothing from the environment.
    expect(a.readUInt32LE(4)).toBe(0);
    expect(a[3]).toBe(0);
  });

  it("gzip: stores random blocks as they are and compresses across block boundaries", async () => {
    const random = randomBytes(4 * MiB);
    const stored = await compress(random, gzip);
    // Stored blocks cost 5 bytes per 64 KiB plus the framing; deflating random bytes would cost far more time for nothing.
    expect(stored.length).toBeGreaterThan(random.length);
    expect(stored.length).toBeLessThan(random.length + 1024);
    // 16 KiB of random letters, repeated: each block after the first finds its
    // start in the previous block's tail (the dictionary). Each 2 MiB block
    // deflated alone would pay for its first copy of the letters again (~10
    // KiB); primed, the blocks together cost at most half of that over one
    // gzip stream. Measured against the same zlib, as deflate's output at a
    // level differs between zlib builds (Node's own and Debian's).
    const letters = Buffer.from(Array.from(randomBytes(16 * 1024), (b) => 0x61 + (b % 26)));
    const text = Buffer.concat(Array.from({ length: 256 }, () => letters));
    const packed = await compress(text, gzip);
    const oneStream = zlib.gzipSync(text, { level: 1 }).length;
    const firstCopy = zlib.deflateRawSync(letters, { level: 1 }).length;
    expect(packed.length).toBeLessThan(oneStream + firstCopy / 2);
    expect(zlib.gunzipSync(packed).equals(text)).toBe(true);
  });

  it("collects its dead output buffers as it goes: 256 MiB of incompressible input adds under 56 MiB of buffers", async () => {
    // Without collections paced by the compressor, Node 24 held 108 MiB here.
    const random = randomBytes(4 * MiB);
    collectGarbage();
    const before = process.memoryUsage().arrayBuffers;
    async function* input256(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 64; i++) yield random;
    }
    let peak = 0;
    let bytes = 0;
    for await (const b of compressBlocks(input256(), gzip)) {
      bytes += b.length;
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    expect(bytes).toBeGreaterThan(256 * MiB);
    expect(peak - before).toBeLessThan(56 * MiB);
  });

  it.skipIf(!zstdAvailable())("zstd: frames that zstd decodes to the input, the same bytes however chunked", async () => {
    const opts: BlockOptions = { codec: "zstd", level: 3, parallel: 2 };
    const a = await compress(input, opts, 77_777);
    const b = await compress(input, { ...opts, parallel: 1 }, 3 << 20);
    expect(a.equals(b)).toBe(true);
    const z = zlib as unknown as { zstdDecompressSync: (b: Buffer) => Buffer };
    expect(z.zstdDecompressSync(a).equals(input)).toBe(true);
    const viaTool = external("zstd", ["-dc"], a);
    if (viaTool !== undefined) expect(viaTool.equals(input)).toBe(true);
  });

  it("crc32 by table matches zlib's", () => {
    const data = randomBytes(100_003);
    expect(crc32Table(data)).toBe(crc32(data));
    expect(crc32Table(data.subarray(5000), crc32Table(data.subarray(0, 5000)))).toBe(crc32(data));
  });

  it("byte entropy tells random bytes from code and from a real library", () => {
    expect(byteEntropy(randomBytes(MiB))).toBeGreaterThan(7.9);
    expect(byteEntropy(code(MiB))).toBeLessThan(6);
    expect(byteEntropy(readFileSync(process.execPath).subarray(0, 4 * MiB))).toBeLessThan(7);
  });
});
