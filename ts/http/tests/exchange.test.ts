// The client's own rules: headers it adds, the deadline a request body buys,
// answers too large to read, and schemes it refuses.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
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
