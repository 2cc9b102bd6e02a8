import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { writeChunksAtomic, writeChunksTo } from "../write-stream.ts";
import { tempDir } from "./helpers.ts";

/**
 * Layer streams lend views of buffers they refill once the next chunk is
 * asked for, so the writers must have handed each chunk to the system
 * before asking: a chunk refilled right after the ask must arrive intact.
 */
function lending(count: number, size: number): { chunks: AsyncGenerator<Buffer>; stopped: () => boolean } {
  const shared = Buffer.alloc(size);
  let stopped = false;
  async function* gen(): AsyncGenerator<Buffer> {
    try {
      for (let i = 0; i < count; i++) {
        shared.fill(i + 1);
        yield shared;
        // Asked for the next: what was lent is refilled at once.
        shared.fill(0xee);
      }
    } finally {
      stopped = true;
    }
  }
  return { chunks: gen(), stopped: () => stopped };
}

const expected = (count: number, size: number): Buffer => Buffer.concat(Array.from({ length: count }, (_, i) => Buffer.alloc(size, i + 1)));

describe("chunk writers", () => {
  const tmp = tempDir("write");
  afterAll(() => tmp.cleanup());

  it("writes each lent chunk to a file before asking for the next", async () => {
    const file = join(tmp.dir, "out.bin");
    await writeChunksAtomic(file, lending(20, 300_000).chunks);
    expect(readFileSync(file).equals(expected(20, 300_000))).toBe(true);
  });

  it("writes each lent chunk to a slow stream before asking for the next", async () => {
    const got: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1 << 30,
      write(chunk: Buffer, _enc, cb): void {
        // Taken later, as a pipe does when its reader is slow.
        setTimeout(() => {
          got.push(Buffer.from(chunk));
          cb();
        }, 2);
      },
    });
    await writeChunksTo(slow, lending(15, 50_000).chunks);
    expect(Buffer.concat(got).equals(expected(15, 50_000))).toBe(true);
  });

  it("rejects on the stream's error, stops the source and leaves the stream open", async () => {
    let calls = 0;
    const broken = new Writable({
      write(_chunk: Buffer, _enc, cb): void {
        calls++;
        cb(calls === 3 ? Object.assign(new Error("write EPIPE"), { code: "EPIPE" }) : null);
      },
    });
    broken.on("error", () => undefined);
    const source = lending(100, 1000);
    await expect(writeChunksTo(broken, source.chunks)).rejects.toThrow(/EPIPE/);
    expect(calls).toBe(3);
    expect(source.stopped()).toBe(true);
  });

  it("leaves nothing behind when the source fails", async () => {
    const dir = join(tmp.dir, "fail");
    mkdirSync(dir);
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(1000, 1);
      throw new Error("layer l0: content changed");
    }
    await expect(writeChunksAtomic(join(dir, "out.tar"), failing())).rejects.toThrow(/content changed/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("removes what a killed writer of the same file left, not what a live one is writing", async () => {
    const dir = join(tmp.dir, "leftovers");
    mkdirSync(dir);
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const dead = `.out.tar.${child.stdout}-0123456789ab.tmp`;
    const live = `.out.tar.${process.ppid}-ba9876543210.tmp`;
    const other = `.other.tar.${child.stdout}-0123456789ab.tmp`;
    for (const name of [dead, live, other]) writeFileSync(join(dir, name), "partial");
    await writeChunksAtomic(join(dir, "out.tar"), lending(2, 10).chunks);
    expect(readdirSync(dir).sort()).toEqual([other, live, "out.tar"].sort());
  });
});
