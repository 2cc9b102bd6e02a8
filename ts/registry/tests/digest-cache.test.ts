import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultCacheDir, DigestCache } from "../digest-cache.ts";

const d = (c: string): string => `sha256:${c.repeat(64)}`;

describe("DigestCache", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((x) => rmSync(x, { recursive: true, force: true })));
  const tmp = (): string => {
    const x = mkdtempSync(join(tmpdir(), "cognix-dc-"));
    dirs.push(x);
    return x;
  };

  it("remembers per diffId and compression, and survives a reload", () => {
    const dir = join(tmp(), "nested");
    const a = new DigestCache(dir);
    a.remember(d("1"), "gzip", d("a"), 10, "r8.im/u/m");
    a.rememberTag("r8.im/u/m", "v1");
    a.save();
    const b = new DigestCache(dir);
    expect(b.get(d("1"), "gzip")).toEqual({ digest: d("a"), size: 10, repos: ["r8.im/u/m"] });
    expect(b.get(d("1"), "zstd")).toBeUndefined();
    expect(b.tags("r8.im/u/m")).toEqual(["v1"]);
    expect(readdirSync(dir)).toEqual(["registry-blobs.json"]);
  });

  it("merges with what another push saved meanwhile", () => {
    const dir = tmp();
    const a = new DigestCache(dir);
    const b = new DigestCache(dir);
    a.remember(d("1"), "gzip", d("a"), 1, "h/x");
    b.remember(d("2"), "gzip", d("b"), 2, "h/y");
    b.remember(d("1"), "gzip", d("a"), 1, "h/y");
    a.save();
    b.save();
    const c = new DigestCache(dir);
    expect(c.get(d("1"), "gzip")?.repos).toEqual(["h/x", "h/y"]);
    expect(c.get(d("2"), "gzip")?.digest).toBe(d("b"));
  });

  it("writes the same bytes for the same facts", () => {
    const [x, y] = [tmp(), tmp()];
    for (const dir of [x, y]) {
      const c = new DigestCache(dir);
      c.remember(d("3"), "gzip", d("c"), 3, "h/z");
      c.rememberTag("h/z", "t");
      c.save();
    }
    expect(readFileSync(join(x, "registry-blobs.json"))).toEqual(readFileSync(join(y, "registry-blobs.json")));
  });

  it("treats a damaged file as empty", () => {
    const dir = tmp();
    writeFileSync(join(dir, "registry-blobs.json"), "{oops");
    expect(new DigestCache(dir).get(d("1"), "gzip")).toBeUndefined();
  });

  it("defaults to XDG_CACHE_HOME or ~/.cache", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/xc" })).toBe("/xc/cognix");
    expect(defaultCacheDir({ HOME: "/home/u" })).toBe("/home/u/.cache/cognix");
  });
});
