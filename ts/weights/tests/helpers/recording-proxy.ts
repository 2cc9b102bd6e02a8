import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ProxiedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  authorization: string | null;
  contentRange: string | null;
}

export interface RecordingProxy {
  /** 127.0.0.1:PORT */
  host: string;
  requests: ProxiedRequest[];
  /** Cuts the connection, without forwarding, of the next request `match` accepts. */
  dropNext(match: (r: ProxiedRequest) => boolean): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of `target` (host:port) that records what
 * clients send, Host header included as given, so a server that builds URLs
 * from it hands out the proxy's own.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let drop: ((r: ProxiedRequest) => boolean) | null = null;
  const [targetHost, targetPort] = target.split(":") as [string, string];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const seen: ProxiedRequest = {
      method: req.method ?? "",
      url: req.url ?? "/",
      authorization: req.headers.authorization ?? null,
      contentRange: typeof req.headers["content-range"] === "string" ? req.headers["content-range"] : null,
    };
    requests.push(seen);
    if (drop !== null && drop(seen)) {
      drop = null;
      req.socket.destroy();
      return;
    }
    const out = request({ host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    dropNext: (match) => {
      drop = match;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
