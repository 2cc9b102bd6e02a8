import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ServedRequest {
  method: string;
  path: string;
  range: string | null;
  authorization: string | null;
}

export interface RangeServerOptions {
  /** Close the connection after sending this many body bytes of each response. */
  dropAfter?: number;
  /** Flip one byte in everything served (the file as seen by clients is corrupt). */
  corrupt?: boolean;
  /** Answer 200 with the whole file even when a Range is asked for. */
  ignoreRange?: boolean;
  /** Answer 503 to every request after this many. */
  unavailableAfter?: number;
  /** Require this Authorization header value. */
  requireAuth?: string;
}

export interface RangeServer {
  url: string;
  requests: ServedRequest[];
  /** Body bytes written to clients so far. */
  bytesServed: () => number;
  close: () => Promise<void>;
}

/** A loopback HTTP file server with byte-range support and failure modes. */
export async function startRangeServer(files: Record<string, Buffer>, opts: RangeServerOptions = {}): Promise<RangeServer> {
  const requests: ServedRequest[] = [];
  let served = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push({ method: req.method ?? "", path, range: req.headers.range ?? null, authorization: req.headers.authorization ?? null });
    if (opts.unavailableAfter !== undefined && requests.length > opts.unavailableAfter) {
      res.writeHead(503).end("unavailable");
      return;
    }
    if (opts.requireAuth !== undefined && req.headers.authorization !== opts.requireAuth) {
      res.writeHead(401).end("unauthorized");
      return;
    }
    const original = files[path];
    if (original === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    let data = original;
    if (opts.corrupt && data.length > 0) {
      data = Buffer.from(original);
      const mid = Math.floor(data.length / 2);
      data[mid] = (data[mid] ?? 0) ^ 0xff;
    }
    let start = 0;
    let end = data.length;
    let status = 200;
    const headers: Record<string, string> = { "accept-ranges": "bytes", "content-type": "application/octet-stream" };
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (m && !opts.ignoreRange) {
      start = Number(m[1]);
      end = m[2] === "" ? data.length : Math.min(data.length, Number(m[2]) + 1);
      if (start >= data.length || start >= end) {
        res.writeHead(416, { "content-range": `bytes */${data.length}` }).end();
        return;
      }
      status = 206;
      headers["content-range"] = `bytes ${start}-${end - 1}/${data.length}`;
    }
    headers["content-length"] = String(end - start);
    res.writeHead(status, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    const body = data.subarray(start, end);
    if (opts.dropAfter !== undefined && body.length > opts.dropAfter) {
      const part = body.subarray(0, opts.dropAfter);
      served += part.length;
      res.write(part, () => {
        // Let the bytes leave before cutting the connection.
        setTimeout(() => res.socket?.destroy(), 5);
      });
      return;
    }
    served += body.length;
    res.end(body);
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    bytesServed: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
