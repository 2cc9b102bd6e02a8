// The run-time weights downloader against hostile servers and files planted
// in its directories: nothing outside the target is written, credentials go
// where they belong, time is bounded, a bad peer never crashes it, and a file
// in place is trusted only once its bytes were checked.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findPython, runDownloader } from "./helpers/python.ts";
import { startRangeServer, type RangeServer } from "./helpers/range-server.ts";
import { startRawServer, type RawServer } from "./helpers/raw-server.ts";

const python = findPython();
if (!python) console.warn("skipping hostile downloader tests: python3 >= 3.8 not found on PATH");

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

interface Recorded {
  path: string;
  authorization: string | undefined;
}

/** An http server answering with `handle`, recording every request's Authorization. */
async function startHttp(handle: (req: IncomingMessage, res: ServerResponse, base: string) => void): Promise<{ url: string; seen: Recorded[]; server: Server }> {
  const seen: Recorded[] = [];
  let base = "";
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
    handle(req, res, base);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, seen, server };
}

describe.skipIf(!python)("lib/weights/downloader.py against hostile peers", () => {
  let dir: string;
  let root: string;
  const closers: (() => Promise<void>)[] = [];
  const data = randomBytes(300_000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cognix-dl-hostile-"));
    root = join(dir, "root");
    mkdirSync(root);
  });
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
    rmSync(dir, { recursive: true, force: true });
  });

  function manifest(files: { path: string; urls: string[] }[], body: Buffer = data): string {
    const file = join(dir, "weights.json");
    const sets = [{ name: "w", target: "/w", files: files.map((f) => ({ path: f.path, size: body.length, sha256: sha(body), urls: f.urls })) }];
    writeFileSync(file, JSON.stringify({ formatVersion: 1, sets }));
    return file;
  }

  async function good(): Promise<RangeServer> {
    const s = await startRangeServer({ "/d.bin": data });
    closers.push(() => s.close());
    return s;
  }

  async function http(handle: Parameters<typeof startHttp>[0]): Promise<Awaited<ReturnType<typeof startHttp>>> {
    const s = await startHttp(handle);
    closers.push(
      () =>
        new Promise<void>((r) => {
          s.server.closeAllConnections();
          s.server.close(() => r());
        }),
    );
    return s;
  }

  async function raw(answer: Parameters<typeof startRawServer>[0]): Promise<RawServer> {
    const s = await startRawServer(answer);
    closers.push(() => s.close());
    return s;
  }

  describe("files planted in .partial", () => {
    const partial = (): string => join(root, "w", ".partial");
    const victim = (): string => join(dir, "victim");

    beforeEach(() => {
      mkdirSync(partial(), { recursive: true });
      writeFileSync(victim(), "keep");
    });

    for (const [what, plant] of [
      ["a symlink as the partial file", (): void => symlinkSync(victim(), join(partial(), `${sha(data)}.part`))],
      ["a hard link as the partial file", (): void => linkSync(victim(), join(partial(), `${sha(data)}.part`))],
      ["a symlink as the state file's temporary", (): void => symlinkSync(victim(), join(partial(), `${sha(data)}.part.state.tmp`))],
      ["a symlink as the state file", (): void => symlinkSync(victim(), join(partial(), `${sha(data)}.part.state`))],
    ] as const) {
      it(`writes nothing through ${what}`, async () => {
        plant();
        const s = await good();
        const r = await runDownloader(["--manifest", manifest([{ path: "m.bin", urls: [`${s.url}/d.bin`] }]), "--root", root]);
        expect(readFileSync(victim(), "utf8")).toBe("keep");
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expect(readFileSync(join(root, "w", "m.bin")).equals(data)).toBe(true);
      });
    }

    it("writes nothing through a symlink planted as a duplicate's temporary copy", async () => {
      symlinkSync(victim(), join(root, "w", "b.bin.cognix-tmp"));
      const s = await good();
      const m = manifest([
        { path: "a.bin", urls: [`${s.url}/d.bin`] },
        { path: "b.bin", urls: [`${s.url}/d.bin`] },
      ]);
      const r = await runDownloader(["--manifest", m, "--root", root]);
      expect(readFileSync(victim(), "utf8")).toBe("keep");
      expect(r.code).toBe(0);
      expect(readFileSync(join(root, "w", "b.bin")).equals(data)).toBe(true);
    });
  });

  describe("token realms", () => {
    it("refuses a realm that is a local file", async () => {
      const secret = join(dir, "secret.json");
      writeFileSync(secret, JSON.stringify({ token: "FILE-SECRET" }));
      const s = await http((req, res) => {
        if (req.headers.authorization === undefined) res.writeHead(401, { "WWW-Authenticate": `Bearer realm="file://${secret}",service="x"` }).end();
        else res.writeHead(403).end();
      });
      const r = await runDownloader(["--manifest", manifest([{ path: "m.bin", urls: [`${s.url}/d.bin`] }]), "--root", root, "--retries", "0"]);
      expect(s.seen.map((q) => q.authorization ?? "")).not.toContain("Bearer FILE-SECRET");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/token realm file:\/\/.* is not https/);
    });

    it("refuses a plain-http realm on another machine unless --insecure", async () => {
      const s = await http((_req, res) => void res.writeHead(401, { "WWW-Authenticate": 'Bearer realm="http://192.0.2.1/token"' }).end());
      const started = Date.now();
      const r = await runDownloader(["--manifest", manifest([{ path: "m.bin", urls: [`${s.url}/d.bin`] }]), "--root", root, "--retries", "0", "--timeout", "3"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/token realm http:\/\/192\.0\.2\.1\/token is not https; pass --insecure/);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it("answers no challenge from a host it was redirected to", async () => {
      const other = await http((req, res, base) => {
        if ((req.url ?? "").startsWith("/token")) res.writeHead(200, { "Content-Type": "application/json" }).end('{"token":"T"}');
        else if (req.headers.authorization !== "Bearer T") res.writeHead(401, { "WWW-Authenticate": `Bearer realm="${base}/token"` }).end();
        else res.writeHead(200).end(data);
      });
      const s = await http((_req, res) => void res.writeHead(302, { Location: `${other.url}/d.bin` }).end());
      const env = { COGNIX_WEIGHTS_REGISTRY_AUTH: "user:pw", COGNIX_WEIGHTS_TOKEN: "tok" };
      const r = await runDownloader(["--manifest", manifest([{ path: "m.bin", urls: [`${s.url}/d.bin`] }]), "--root", root, "--retries", "0"], env);
      expect(other.seen.map((q) => q.authorization)).toEqual(other.seen.map(() => undefined));
      expect(r.code).toBe(1);
    });

    it("sends the realm's credentials to the realm only, not where it redirects", async () => {
      const elsewhere = await http((_req, res) => void res.writeHead(200, { "Content-Type": "application/json" }).end('{"token":"T"}'));
      const s = await http((req, res, base) => {
        if ((req.url ?? "").startsWith("/token")) res.writeHead(302, { Location: `${elsewhere.url}/token` }).end();
        else if (req.headers.authorization !== "Bearer T") res.writeHead(401, { "WWW-Authenticate": `Bearer realm="${base}/token",service="reg"` }).end();
        else res.writeHead(200).end(data);
      });
      const r = await runDownloader(["--manifest", manifest([{ path: "m.bin", urls: [`${s.url}/d.bin`] }]), "--root", root, "--retries", "0"], { COGNIX_WEIGHTS_REGISTRY_AUTH: "user:pw" });
      expect(elsewhere.seen.map((q) => q.authorization)).toEqual(elsewhere.seen.map(() => undefined));
      expect(s.seen.some((q) => q.authorization?.startsWith("Basic "))).toBe(true);
      expect(r.code).toBe(1);
    });

    it("keeps COGNIX_WEIGHTS_TOKEN from a host it is redirected to", async () => {
      const cdn = await http((_req, res) => void res.writeHead(200, { "Content-Length": String(data.length) }).end(data));
      const s = await http((_req, res) => void res.writeHead(302, { Location: `${cdn.url}/d.bin` }).end());
      const r = await runDownloader(["--manifest", manifest([{ path: "m.bin", urls: [`${s.url}/d.bin`] }]), "--root", root], { COGNIX_WEIGHTS_TOKEN: "tok" });
      expect(r.code).toBe(0);
      expect(s.seen.every((q) => q.authorization === "Bearer tok")).toBe(true);
      expect(cdn.seen.map((q) => q.authorization)).toEqual(cdn.seen.map(() => undefined));
    });
  });

  describe("time", () => {
    // Small, so that --timeout plus its bytes at the default --min-speed (16 KiB/s) is under 3 s.
    const small = data.subarray(0, 30_000);
    const drips: NodeJS.Timeout[] = [];
    afterEach(() => {
      for (const t of drips.splice(0)) clearInterval(t);
    });

    it("ends a body that trickles, however often it resumes (--timeout)", async () => {
      const s = await raw((sock) => {
        sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${small.length}\r\n\r\n`);
        let i = 0;
        drips.push(setInterval(() => sock.writable && sock.write(small.subarray(i, ++i)), 50));
      });
      const started = Date.now();
      const r = await runDownloader(["--manifest", manifest([{ path: "m.bin", urls: [`${s.url}/d.bin`] }], small), "--root", root, "--timeout", "1", "--retries", "1", "--backoff", "0.01"], {}, 40_000);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/w\/m\.bin: download failed from .*: (timed out|slower than)/);
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it("ends a status line that trickles", async () => {
      const head = "HTTP/1.1 200 OK\r\n" + "X-Slow: yes\r\n".repeat(1000);
      const s = await raw((sock) => {
        let i = 0;
        drips.push(setInterval(() => sock.writable && sock.write(head.slice(i, ++i)), 20));
      });
      const started = Date.now();
      const r = await runDownloader(["--manifest", manifest([{ path: "m.bin", urls: [`${s.url}/d.bin`] }], small), "--root", root, "--timeout", "1", "--retries", "0"], {}, 40_000);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/timed out/);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  describe("malformed HTTP from the first mirror: no traceback, the second mirror is used", () => {
    const cases: [string, string][] = [
      ["a bad status line", "HELLO THERE\r\n\r\n"],
      ["more than 100 headers", `HTTP/1.1 200 OK\r\n${"X-Many: 1\r\n".repeat(150)}Content-Length: 3\r\n\r\nabc`],
      ["a 70 KB header line", `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(70_000)}\r\nContent-Length: 3\r\n\r\nabc`],
      ["a chunked body cut short", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
      ["a 206 with a garbled Content-Range", "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes x-y/z\r\nContent-Length: 3\r\n\r\nabc"],
    ];
    for (const [what, reply] of cases) {
      it(what, async () => {
        const bad = await raw((sock) => sock.end(reply));
        const s = await good();
        const m = manifest([{ path: "m.bin", urls: [`${bad.url}/d.bin`, `${s.url}/d.bin`] }]);
        const r = await runDownloader(["--manifest", m, "--root", root, "--retries", "1", "--backoff", "0.01"], {}, 40_000);
        expect(r.stderr).not.toContain("Traceback");
        expect(r.code).toBe(0);
        expect(readFileSync(join(root, "w", "m.bin")).equals(data)).toBe(true);
        expect(s.requests.length).toBeGreaterThan(0);
      });
    }
  });

  describe("files already in place", () => {
    it("replaces a file of the right size whose bytes are wrong", async () => {
      const s = await good();
      const m = manifest([{ path: "m.bin", urls: [`${s.url}/d.bin`] }]);
      expect((await runDownloader(["--manifest", m, "--root", root])).code).toBe(0);
      writeFileSync(join(root, "w", "m.bin"), randomBytes(data.length));
      const r = await runDownloader(["--manifest", m, "--root", root, "--json"]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ downloaded: 1, skipped: 0 });
      expect(readFileSync(join(root, "w", "m.bin")).equals(data)).toBe(true);
    });

    it("checks a file it did not download itself before trusting it", async () => {
      const s = await good();
      mkdirSync(join(root, "w"), { recursive: true });
      writeFileSync(join(root, "w", "m.bin"), data);
      const r = await runDownloader(["--manifest", manifest([{ path: "m.bin", urls: [`${s.url}/d.bin`] }]), "--root", root, "--json"]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ downloaded: 0, skipped: 1 });
      expect(s.requests).toEqual([]);
    });
  });

  it("rejects a manifest path with characters a shell or a store path reads specially", async () => {
    const s = await good();
    const r = await runDownloader(["--manifest", manifest([{ path: "x$(touch y).bin", urls: [`${s.url}/d.bin`] }]), "--root", root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has characters other than/);
    expect(s.requests).toEqual([]);
  });
});
