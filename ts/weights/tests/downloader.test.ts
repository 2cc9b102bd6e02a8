import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startRangeServer, type RangeServer } from "./helpers/range-server.ts";
import { findPython, runDownloader } from "./helpers/python.ts";

const python = findPython();
if (!python) console.warn("skipping downloader tests: python3 >= 3.8 not found on PATH");

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

interface FileSpec {
  path: string;
  data: Buffer;
  urls: string[];
}

function manifest(dir: string, sets: { name: string; target: string; files: FileSpec[] }[]): string {
  const file = join(dir, "weights.json");
  const body = {
    formatVersion: 1,
    sets: sets.map((s) => ({
      name: s.name,
      target: s.target,
      files: s.files.map((f) => ({ path: f.path, size: f.data.length, sha256: sha(f.data), urls: f.urls })),
    })),
  };
  writeFileSync(file, JSON.stringify(body));
  return file;
}

describe.skipIf(!python)("lib/weights/downloader.py", () => {
  let dir: string;
  let root: string;
  const servers: RangeServer[] = [];
  const big = randomBytes(1 << 20);
  const small = randomBytes(3000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cognix-dl-"));
    root = join(dir, "root");
    mkdirSync(root);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(files: Record<string, Buffer>, opts = {}): Promise<RangeServer> {
    const s = await startRangeServer(files, opts);
    servers.push(s);
    return s;
  }

  it("downloads sets in parallel ranged chunks, de-duplicates, and leaves no partial files", async () => {
    const s = await serve({ "/big.bin": big, "/small.json": small, "/empty": Buffer.alloc(0) });
    const m = manifest(dir, [
      {
        name: "main",
        target: "/src/weights",
        files: [
          { path: "unet/model.bin", data: big, urls: [`${s.url}/big.bin`] },
          { path: "copy/model.bin", data: big, urls: [`${s.url}/big.bin`] },
          { path: "config.json", data: small, urls: [`${s.url}/small.json`] },
          { path: "empty.txt", data: Buffer.alloc(0), urls: [`${s.url}/empty`] },
        ],
      },
      { name: "extra", target: "/models/extra", files: [{ path: "x.json", data: small, urls: [`${s.url}/small.json`] }] },
    ]);
    const r = await runDownloader(["--manifest", m, "--root", root, "--chunk-size", String(128 << 10), "--jobs", "4", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { ok: boolean; downloaded: number };
    expect(summary).toMatchObject({ ok: true, downloaded: 5 });
    expect(readFileSync(join(root, "src/weights/unet/model.bin")).equals(big)).toBe(true);
    expect(readFileSync(join(root, "src/weights/copy/model.bin")).equals(big)).toBe(true);
    expect(readFileSync(join(root, "src/weights/config.json")).equals(small)).toBe(true);
    expect(readFileSync(join(root, "src/weights/empty.txt")).length).toBe(0);
    expect(readFileSync(join(root, "models/extra/x.json")).equals(small)).toBe(true);
    expect(existsSync(join(root, "src/weights/.partial"))).toBe(false);
    // The 1 MiB file went as 8 ranges of 128 KiB, fetched once for both paths.
    const bigRanges = s.requests.filter((q) => q.path === "/big.bin").map((q) => q.range);
    expect(bigRanges).toHaveLength(8);
    expect(new Set(bigRanges).size).toBe(8);
    expect(bigRanges).toContain(`bytes=${7 * (128 << 10)}-${(1 << 20) - 1}`);

    // Everything in place: a second run asks the server nothing.
    const before = s.requests.length;
    const again = await runDownloader(["--manifest", m, "--root", root, "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ downloaded: 0, skipped: 5 });
    expect(s.requests.length).toBe(before);
  });

  it("resumes inside a chunk when the server drops connections midway", async () => {
    const s = await serve({ "/big.bin": big }, { dropAfter: 100_000 });
    const m = manifest(dir, [{ name: "w", target: "/w", files: [{ path: "m.bin", data: big, urls: [`${s.url}/big.bin`] }] }]);
    const r = await runDownloader(["--manifest", m, "--root", root, "--chunk-size", String(512 << 10), "--backoff", "0.01"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "w/m.bin")).equals(big)).toBe(true);
    // Each retry asked for the rest of its chunk, not the whole chunk again.
    const starts = s.requests.map((q) => Number(/bytes=(\d+)-/.exec(q.range ?? "")?.[1]));
    expect(starts).toContain(100_000);
    expect(starts).toContain((512 << 10) + 100_000);
    expect(s.bytesServed()).toBe(big.length);
  });

  it("resumes from the partial file an interrupted run left", async () => {
    const dropping = await serve({ "/big.bin": big }, { dropAfter: 300_000, unavailableAfter: 1 });
    const m1 = manifest(dir, [{ name: "w", target: "/w", files: [{ path: "m.bin", data: big, urls: [`${dropping.url}/big.bin`] }] }]);
    const first = await runDownloader(["--manifest", m1, "--root", root, "--retries", "1", "--backoff", "0.01", "--chunk-size", String(4 << 20)]);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("w/m.bin");
    expect(first.stderr).toContain(`${dropping.url}/big.bin: HTTP 503`);
    expect(existsSync(join(root, "w/m.bin"))).toBe(false);
    expect(readdirSync(join(root, "w/.partial")).sort()).toEqual([`${sha(big)}.part`, `${sha(big)}.part.state`]);

    const good = await serve({ "/big.bin": big });
    const m2 = manifest(dir, [{ name: "w", target: "/w", files: [{ path: "m.bin", data: big, urls: [`${good.url}/big.bin`] }] }]);
    const second = await runDownloader(["--manifest", m2, "--root", root]);
    expect(second.code).toBe(0);
    expect(readFileSync(join(root, "w/m.bin")).equals(big)).toBe(true);
    expect(good.requests.map((q) => q.range)).toEqual([`bytes=300000-${big.length - 1}`]);
    expect(good.bytesServed()).toBe(big.length - 300_000);
  });

  it("rejects corrupted bytes, names the file and URL, and keeps nothing", async () => {
    const s = await serve({ "/big.bin": big }, { corrupt: true });
    const m = manifest(dir, [{ name: "w", target: "/w", files: [{ path: "m.bin", data: big, urls: [`${s.url}/big.bin`] }] }]);
    const r = await runDownloader(["--manifest", m, "--root", root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/w\/m\.bin: sha256 mismatch/);
    expect(r.stderr).toContain(`${s.url}/big.bin`);
    expect(r.stderr).toContain(sha(big));
    expect(existsSync(join(root, "w/m.bin"))).toBe(false);
    expect(readdirSync(join(root, "w/.partial"))).toEqual([]);
  });

  it("falls back to the next URL, and reports a 404 with its URL", async () => {
    const s = await serve({ "/ok.bin": small });
    const m = manifest(dir, [{ name: "w", target: "/w", files: [{ path: "a", data: small, urls: [`${s.url}/gone.bin`, `${s.url}/ok.bin`] }] }]);
    expect((await runDownloader(["--manifest", m, "--root", root])).code).toBe(0);
    expect(readFileSync(join(root, "w/a")).equals(small)).toBe(true);

    const m2 = manifest(dir, [{ name: "v", target: "/v", files: [{ path: "a", data: small, urls: [`${s.url}/gone.bin`] }] }]);
    const r = await runDownloader(["--manifest", m2, "--root", root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`v/a: download failed from ${s.url}/gone.bin: HTTP 404`);
  });

  it("works with servers that ignore Range", async () => {
    const s = await serve({ "/big.bin": big }, { ignoreRange: true });
    const m = manifest(dir, [{ name: "w", target: "/w", files: [{ path: "m.bin", data: big, urls: [`${s.url}/big.bin`] }] }]);
    const r = await runDownloader(["--manifest", m, "--root", root, "--chunk-size", String(256 << 10)]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "w/m.bin")).equals(big)).toBe(true);
  });

  it("execs the command after `--` only once the weights are in place", async () => {
    const s = await serve({ "/small": small });
    const m = manifest(dir, [{ name: "w", target: "/w", files: [{ path: "a.json", data: small, urls: [`${s.url}/small`] }] }]);
    const marker = join(dir, "marker");
    const check = `import os,sys; open(sys.argv[2],'w').write(str(os.path.getsize(sys.argv[1])))`;
    const r = await runDownloader(["--manifest", m, "--root", root, "--", "python3", "-c", check, join(root, "w/a.json"), marker]);
    expect(r.code).toBe(0);
    expect(readFileSync(marker, "utf8")).toBe(String(small.length));
  });

  it("sends HF_TOKEN only to HuggingFace hosts and COGNIX_WEIGHTS_TOKEN elsewhere", async () => {
    const s = await serve({ "/a": small }, { requireAuth: "Bearer sekrit" });
    const m = manifest(dir, [{ name: "w", target: "/w", files: [{ path: "a", data: small, urls: [`${s.url}/a`] }] }]);
    const withHf = await runDownloader(["--manifest", m, "--root", root, "--retries", "0"], { HF_TOKEN: "sekrit" });
    expect(withHf.code).toBe(1);
    expect(withHf.stderr).toContain("HTTP 401");
    const withToken = await runDownloader(["--manifest", m, "--root", root], { COGNIX_WEIGHTS_TOKEN: "sekrit" });
    expect(withToken.code).toBe(0);
  });

  describe("unsafe manifests", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["a '..' path", { path: "../escape", target: "/w" }, /'\.\.' segment/],
      ["a nested '..' path", { path: "a/../../escape", target: "/w" }, /'\.\.' segment/],
      ["an absolute path", { path: "/etc/passwd", target: "/w" }, /must be relative/],
      ["a '..' target", { path: "x", target: "/w/../../escape" }, /target .* '\.\.' segment/],
      ["a relative target", { path: "x", target: "w" }, /must be an absolute directory/],
      ["the reserved .partial dir", { path: ".partial/x", target: "/w" }, /reserved/],
    ];
    for (const [what, file, message] of cases) {
      it(`rejects ${what} before downloading anything`, async () => {
        const s = await serve({ "/a": small });
        const m = join(dir, "m.json");
        writeFileSync(
          m,
          JSON.stringify({ formatVersion: 1, sets: [{ name: "w", target: file.target, files: [{ path: file.path, size: small.length, sha256: sha(small), urls: [`${s.url}/a`] }] }] }),
        );
        const r = await runDownloader(["--manifest", m, "--root", root]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toContain("m.json: sets[0]");
        expect(s.requests).toEqual([]);
        expect(readdirSync(root)).toEqual([]);
      });
    }

    it("refuses to write through a symlinked directory inside the target", async () => {
      const s = await serve({ "/a": small });
      const outside = join(dir, "outside");
      mkdirSync(outside);
      mkdirSync(join(root, "w"), { recursive: true });
      symlinkSync(outside, join(root, "w/sub"));
      const m = manifest(dir, [{ name: "w", target: "/w", files: [{ path: "sub/a", data: small, urls: [`${s.url}/a`] }] }]);
      const r = await runDownloader(["--manifest", m, "--root", root]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/w\/sub is a symlink/);
      expect(readdirSync(outside)).toEqual([]);
      expect(s.requests).toEqual([]);
    });

    it("refuses a target reached through a symlink", async () => {
      const s = await serve({ "/a": small });
      const outside = join(dir, "outside");
      mkdirSync(outside);
      symlinkSync(outside, join(root, "src"));
      const m = manifest(dir, [{ name: "w", target: "/src/weights", files: [{ path: "a", data: small, urls: [`${s.url}/a`] }] }]);
      const r = await runDownloader(["--manifest", m, "--root", root]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/root\/src is a symlink/);
      expect(readdirSync(outside)).toEqual([]);
    });

    it("refuses to replace a file that is a symlink", async () => {
      const s = await serve({ "/a": small });
      const outside = join(dir, "victim");
      writeFileSync(outside, "keep");
      mkdirSync(join(root, "w"), { recursive: true });
      symlinkSync(outside, join(root, "w/a"));
      const m = manifest(dir, [{ name: "w", target: "/w", files: [{ path: "a", data: small, urls: [`${s.url}/a`] }] }]);
      const r = await runDownloader(["--manifest", m, "--root", root]);
      expect(r.code).toBe(2);
      expect(readFileSync(outside, "utf8")).toBe("keep");
    });

    it("rejects a malformed manifest with its key", async () => {
      const m = join(dir, "m.json");
      writeFileSync(m, JSON.stringify({ formatVersion: 1, sets: [{ name: "w", target: "/w", files: [{ path: "a", size: -1, sha256: "x", urls: [] }] }] }));
      const r = await runDownloader(["--manifest", m, "--root", root]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("sets[0].files[0]: size must be a non-negative integer");
    });
  });
});
