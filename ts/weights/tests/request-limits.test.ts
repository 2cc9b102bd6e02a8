// A weight server cannot hold a lock or push forever by trickling bytes: the
// answer must start within the timeout and the body keep a minimum pace.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { open, readBody } from "../../http/exchange.ts";
import { WEIGHTS_LIMITS } from "../../http/limits.ts";

/** A GET with the weights' limits, the timeout cut to `ms`. */
const request = (url: string, ms: number) => open({ method: "GET", url: new URL(url) }, { limits: { ...WEIGHTS_LIMITS, idleMs: ms, requestMs: ms } });

describe("weights HTTP time limits", () => {
  let server: Server | undefined;
  const timers: NodeJS.Timeout[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const t of timers.splice(0)) clearInterval(t);
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  /** A raw TCP server that sends `head` at once, then `drip` one byte every 50 ms, forever. */
  async function trickle(head: string, drip: string): Promise<string> {
    server = createServer((sock) => {
      sockets.push(sock);
      sock.on("error", () => undefined);
      sock.write(head);
      let i = 0;
      timers.push(setInterval(() => sock.writable && sock.write(drip[i++ % drip.length] ?? "x"), 50));
    });
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/w.bin`;
  }

  async function timed<T>(p: Promise<T>): Promise<{ error: unknown; ms: number }> {
    const started = Date.now();
    try {
      await p;
      return { error: undefined, ms: Date.now() - started };
    } catch (error) {
      return { error, ms: Date.now() - started };
    }
  }

  it("a status line that never ends", { timeout: 20_000 }, async () => {
    const url = await trickle("", "HTTP/1.1 200 OK");
    const r = await timed(request(url, 500));
    expect(String(r.error)).toMatch(/no answer from 127\.0\.0\.1:\d+ within 0\.5 s/);
    expect(r.ms).toBeLessThan(5_000);
  });

  it("a body that trickles", { timeout: 20_000 }, async () => {
    const url = await trickle("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", "0123456789");
    const r = await timed(request(url, 500).then((res) => readBody(res)));
    expect(String(r.error)).toMatch(/slower than/);
    expect(r.ms).toBeLessThan(8_000);
  });
});
