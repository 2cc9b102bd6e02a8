import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import zlib, { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { chooseCompression, compressedStream, compressionOf, compressToFile } from "../compress.ts";
import { makeTar, noise, sha256 } from "../../testkit/tar.ts";

describe("compressToFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "cognix-gz-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gzips deterministically and reports both digests", async () => {
    const tar = makeTar([{ name: "a.bin", content: noise(5, 200_000) }, { name: "b.txt", content: "hello\n".repeat(1000) }]);
    const chunks = [tar.subarray(0, 1000), tar.subarray(1000, 70_000), tar.subarray(70_000)];
    const a = await compressToFile(Readable.from([tar]), join(dir, "a"), "gzip");
    const b = await compressToFile(Readable.from(chunks), join(dir, "b"), "gzip");
    const bytes = readFileSync(join(dir, "a"));
    expect(bytes.equals(readFileSync(join(dir, "b")))).toBe(true);
    expect(a).toEqual(b);
    expect(a.inputDigest).toBe(sha256(tar));
    expect(a.inputSize).toBe(tar.length);
    expect(a.digest).toBe(sha256(bytes));
    expect(a.size).toBe(bytes.length);
    expect(gunzipSync(bytes).equals(tar)).toBe(true);
    // No file name, mtime 0: the header carries nothing from the environment.
    expect(bytes.readUInt32LE(4)).toBe(0);
    expect(bytes[3]! & 0x08).toBe(0);
  });

  it("reads no further ahead of a stalled reader than a few blocks", async () => {
    // Incompressible input, stored as it comes: the compressor is never the
    // slow side, so only the bounds on its queues keep it from running ahead.
    let pulled = 0;
    const piece = randomBytes(1024 * 1024);
    const input = Readable.from(
      (function* () {
        for (let i = 0; i < 96; i++) {
          pulled += piece.length;
          yield piece;
        }
      })(),
      { objectMode: false },
    );
    const c = compressedStream(input, "gzip");
    const it = c.stream[Symbol.asyncIterator]();
    await it.next();
    await new Promise((r) => setTimeout(r, 300));
    expect(pulled).toBeLessThanOrEqual(24 * 1024 * 1024);
    let sent = 0;
    for (let r = await it.next(); r.done !== true; r = await it.next()) sent += (r.value as Buffer).length;
    expect(sent).toBeGreaterThan(0);
    expect(c.result().inputSize).toBe(96 * piece.length);
  });

  it("falls back to gzip when this Node has no zstd", () => {
    const hasZstd = typeof (zlib as unknown as Record<string, unknown>).createZstdCompress === "function";
    const c = chooseCompression("zstd");
    if (hasZstd) expect(c).toEqual({ compression: "zstd" });
    else expect(c.compression).toBe("gzip");
    expect(chooseCompression(undefined)).toEqual({ compression: "gzip" });
  });

  it("reads compression from media types", () => {
    expect(compressionOf("application/vnd.oci.image.layer.v1.tar+gzip")).toBe("gzip");
    expect(compressionOf("application/vnd.docker.image.rootfs.diff.tar.gzip")).toBe("gzip");
    expect(compressionOf("application/vnd.oci.image.layer.v1.tar+zstd")).toBe("zstd");
    expect(compressionOf("application/vnd.oci.image.layer.v1.tar")).toBeUndefined();
  });
});
