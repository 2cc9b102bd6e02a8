import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../atomic-write.ts";

const WRITER = fileURLToPath(new URL("./fixtures/atomic-writer.ts", import.meta.url));
const GOOD = "the old, complete file\n";

function hasPrlimit(): boolean {
  return spawnSync("prlimit", ["--version"], { stdio: "ignore" }).status === 0;
}

/** A 64 KiB tmpfs, or why there cannot be one here. */
function mountSmallDisk(dir: string): string | undefined {
  if (process.getuid?.() !== 0) return "mounting a small tmpfs needs root";
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir], { encoding: "utf8" });
  return r.status === 0 ? undefined : `mount -t tmpfs failed: ${r.stderr.trim()}`;
}

function runWriter(args: string[], prefix: string[] = []): { code: number | null; stderr: string } {
  const [cmd, ...rest] = [...prefix, process.execPath, "--import", "tsx", WRITER, ...args] as [string, ...string[]];
  const r = spawnSync(cmd, rest, { encoding: "utf8" });
  return { code: r.status, stderr: r.stderr };
}

const leftovers = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith(".tmp"));

describe("writeFileAtomic", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cognix-atomic-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasPrlimit())("fails and keeps the old file when the disk takes only part of the data (file size limit)", () => {
    const target = join(dir, "cognix.json");
    writeFileSync(target, GOOD);
    // RLIMIT_FSIZE makes write(2) accept 64 KiB of the 200 KiB, then fail: a short write.
    const r = runWriter([target, String(200_000)], ["prlimit", "--fsize=65536"]);
    expect(r.code).not.toBe(0);
    expect(readFileSync(target, "utf8")).toBe(GOOD);
    expect(leftovers(dir)).toEqual([]);
  });

  it("fails and keeps the old file on a full disk (a 64 KiB tmpfs)", (ctx) => {
    const disk = join(dir, "disk");
    mkdirSync(disk);
    const why = mountSmallDisk(disk);
    if (why !== undefined) {
      console.warn(`SKIP full-disk test: ${why}`);
      ctx.skip();
    }
    try {
      const target = join(disk, "cognix.json");
      writeFileSync(target, GOOD);
      const r = runWriter([target, String(200_000)]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/ENOSPC|no space/i);
      expect(readFileSync(target, "utf8")).toBe(GOOD);
      expect(leftovers(disk)).toEqual([]);
    } finally {
      spawnSync("umount", [disk]);
    }
  });

  it("removes temporary files a killed writer left, but not those of a running one", async () => {
    const target = join(dir, "cognix.json");
    // Kill the writer while its temporary file exists; retry until a kill lands mid-write.
    let left: string[] = [];
    for (let attempt = 0; attempt < 30 && left.length === 0; attempt++) {
      const child = spawn(process.execPath, ["--import", "tsx", WRITER, target, String(4 << 20), "loop"], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      await waitFor(() => leftovers(dir).length > 0);
      child.kill("SIGSTOP");
      if (leftovers(dir).length > 0) {
        // A stopped writer is alive: its temporary file must stay.
        writeFileAtomic(target, GOOD);
        expect(leftovers(dir).length).toBe(1);
      }
      child.kill("SIGKILL");
      await new Promise<void>((resolve) => child.once("exit", () => resolve()));
      left = leftovers(dir);
    }
    expect(left.length).toBe(1);
    writeFileAtomic(target, GOOD);
    expect(leftovers(dir)).toEqual([]);
    expect(readFileSync(target, "utf8")).toBe(GOOD);
  });
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 1));
}
