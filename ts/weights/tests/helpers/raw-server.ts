import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface RawServer {
  url: string;
  /** Request heads received (method, path and headers as sent). */
  heads: string[];
  close(): Promise<void>;
}

/**
 * A TCP server that reads each request head and lets `answer` write whatever
 * bytes it likes back: malformed, endless or truncated HTTP.
 */
export async function startRawServer(answer: (sock: Socket, head: string) => void): Promise<RawServer> {
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => undefined);
    let buf = "";
    sock.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.slice(0, end);
      buf = buf.slice(end + 4);
      heads.push(head);
      answer(sock, head);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    heads,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
