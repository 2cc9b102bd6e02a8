import http from "node:http";
import { listenLoopback } from "../../../testkit/loopback.ts";

export interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  status?: number;
}

/**
 * What the proxy does with request number `n` (1-based); "drop-answer"
 * passes the request on and drops the connection instead of answering.
 */
export type Verdict = "pass" | "drop" | "drop-after-body-start" | "drop-answer" | { status: number; headers?: Record<string, string>; body?: string };

export interface Proxy {
  host: string;
  port: number;
  seen: Seen[];
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a registry that can fail chosen requests:
 * drop the connection, or answer with a status of its own. The Host header is
 * kept, so the registry's Location URLs point back at the proxy.
 */
export async function startProxy(
  targetPort: number,
  decide: (req: http.IncomingMessage, n: number) => Verdict = () => "pass",
  rewrite: (headers: http.IncomingHttpHeaders) => http.IncomingHttpHeaders = (h) => h,
): Promise<Proxy> {
  const seen: Seen[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    n++;
    const entry: Seen = { method: req.method ?? "", path: req.url ?? "", headers: req.headers };
    seen.push(entry);
    const verdict = decide(req, n);
    if (verdict === "drop") {
      req.socket.destroy();
      return;
    }
    if (verdict === "drop-after-body-start") {
      req.once("data", () => req.socket.destroy());
      req.once("end", () => req.socket.destroy());
      return;
    }
    if (typeof verdict === "object") {
      req.resume();
      req.on("end", () => {
        entry.status = verdict.status;
        res.writeHead(verdict.status, verdict.headers ?? {});
        res.end(verdict.body ?? "");
      });
      return;
    }
    const up = http.request(
      { host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers, agent: false },
      (upRes) => {
        entry.status = upRes.statusCode ?? 0;
        if (verdict === "drop-answer") {
          upRes.resume();
          req.socket.destroy();
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, rewrite({ ...upRes.headers }));
        upRes.pipe(res);
      },
    );
    up.on("error", () => req.socket.destroy());
    req.pipe(up);
  });
  const { host, port, stop } = await listenLoopback(server);
  return { host, port, seen, stop };
}
