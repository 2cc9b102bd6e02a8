// The client's own rules: headers it adds, the deadline a request body buys,
// answers too large to read, and schemes it refuses.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { listenLoopback, type Listening } from "../../testkit/loopback.ts";
import { open, send } from "../exchange.ts";
import { REGISTRY_LIMITS, type Limits } from "../limits.ts";

describe("HTTP exchange", () => {
  const servers: Listening[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<URL> {
    const server = await listenLoopback(createServer(handle));
    servers.push(server);
    return new URL(`${server.url}/x`);
  }

  it("sends one Content-Length, its own User-Agent unless given, and 0 for an empty PUT", async () => {
    const seen: string[][] = [];
    const url = await serve((req, res) => {
      seen.push(req.rawHeaders);
      req.resume();
      req.on("end", () => res.end("ok"));
    });
    const limits = REGISTRY_LIMITS;
    await send({ method: "PUT", url }, { limits });
    await send({ method: "PUT", url, headers: { "content-length": "3", "user-agent": "other" }, body: Buffer.from("abc") }, { limits });
    const named = (raw: string[], name: string): string[] => raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === name);
    expect(named(seen[0] ?? [], "content-length")).toEqual(["0"]);
    expect(named(seen[0] ?? [], "user-agent")).toEqual(["cognix"]);
    expect(named(seen[1] ?? [], "content-length")).toEqual(["3"]);
    expect(named(seen[1] ?? [], "user-agent")).toEqual(["other"]);
  });

  it("gives a request body time at the minimum pace, and no more", async () => {
    // Reads the body, never answers.
    const url = await serve((req) => req.resume());
    const limits: Limits = { idleMs: 60_000, requestMs: 300, minBytesPerSecond: 1024 * 1024 };
    const started = Date.now();
    const err = await send({ method: "PUT", url, body: Buffer.alloc(1024 * 1024) }, { limits }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/no answer from 127\.0\.0\.1:\d+ within 1\.3 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
  });

  it("sends a stream body of unknown length chunked, its deadline growing with the bytes sent", async () => {
    const seen: { headers: string[]; bytes: number }[] = [];
    const url = await serve((req, res) => {
      let bytes = 0;
      req.on("data", (c: Buffer) => (bytes += c.length));
      req.on("end", () => {
        seen.push({ headers: req.rawHeaders, bytes });
        res.end("ok");
      });
    });
    // 1 MiB at a time, 200 ms apart: 1 s in all, past requestMs but within the time 5 MiB buy.
    const limits: Limits = { idleMs: 60_000, requestMs: 300, minBytesPerSecond: 1024 * 1024 };
    async function* slow(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 200));
        yield Buffer.alloc(1024 * 1024);
      }
    }
    const res = await send({ method: "PATCH", url, body: () => Readable.from(slow(), { objectMode: false }) }, { limits });
    expect(res.status).toBe(200);
    const lower = (seen[0]?.headers ?? []).map((h) => h.toLowerCase());
    expect(lower).toContain("transfer-encoding");
    expect(lower).not.toContain("content-length");
    expect(seen[0]?.bytes).toBe(5 * 1024 * 1024);

    // A body that stops coming runs out of the time its bytes bought.
    async function* stalls(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(1024);
      await new Promise((r) => setTimeout(r, 5000));
    }
    const err = await send({ method: "PATCH", url, body: () => Readable.from(stalls(), { objectMode: false }) }, { limits }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/no answer from 127\.0\.0\.1:\d+ within 0\.3 s/);
  });

  it("refuses to read an answer larger than it holds in memory", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "Content-Length": String(65 * 1024 * 1024) });
      const chunk = Buffer.alloc(1024 * 1024);
      let left = 65;
      const more = (): void => {
        while (left > 0 && res.write(chunk)) left--;
        if (left > 0) res.once("drain", more);
        else res.end();
      };
      more();
    });
    await expect(send({ method: "GET", url }, { limits: REGISTRY_LIMITS })).rejects.toThrow(/larger than 67108864 bytes/);
  });

  it("refuses schemes other than http and https", async () => {
    await expect(open({ method: "GET", url: new URL("file:///etc/passwd") }, { limits: REGISTRY_LIMITS })).rejects.toThrow(/unsupported URL scheme in file:\/\/\/etc\/passwd/);
  });
});
