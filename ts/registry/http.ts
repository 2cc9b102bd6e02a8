import http from "node:http";
import https from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";

/** One HTTP exchange; the body is a buffer or a stream factory so a retry can resend it. */
export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer | (() => Readable);
  /** Required with a stream body: registries want Content-Length. */
  bodyLength?: number;
  /** Called with the number of body bytes written so far. */
  onBodyProgress?: (sent: number) => void;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  url: URL;
}

/** Largest response body read into memory (manifests, configs, errors). */
const MAX_BODY = 64 * 1024 * 1024;

/** How long one exchange may take. */
export interface HttpLimits {
  /** Longest silence on the connection. */
  idleMs: number;
  /** The whole exchange (a trickle of bytes does not extend it), before the allowance for a request body. */
  requestMs: number;
  /** Slowest upload accepted: a body of N bytes adds N / minBytesPerSecond seconds to the deadline. */
  minBytesPerSecond: number;
}

export const DEFAULT_LIMITS: HttpLimits = { idleMs: 120_000, requestMs: 300_000, minBytesPerSecond: 64 * 1024 };

/** The deadline of one exchange that sends `bodyBytes`. */
export function deadlineMs(limits: HttpLimits, bodyBytes: number): number {
  return limits.requestMs + Math.ceil((bodyBytes / limits.minBytesPerSecond) * 1000);
}

/** Keep-alive agents shared by one push. */
export class Agents {
  readonly http: http.Agent;
  readonly https: https.Agent;
  constructor(maxSockets: number) {
    this.http = new http.Agent({ keepAlive: true, maxSockets });
    this.https = new https.Agent({ keepAlive: true, maxSockets });
  }
  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Sends one request and reads the whole response body, within the limits'
 * deadline. Network errors reject with their code (ETIMEDOUT for a deadline).
 */
export function send(req: HttpRequest, agents: Agents, limits: HttpLimits = DEFAULT_LIMITS): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const isHttps = req.url.protocol === "https:";
    const lib = isHttps ? https : http;
    const headers: Record<string, string> = { "User-Agent": "cognix", ...req.headers };
    let bodyStream: Readable | undefined;
    if (Buffer.isBuffer(req.body)) headers["Content-Length"] = String(req.body.length);
    else if (req.body !== undefined) headers["Content-Length"] = String(req.bodyLength ?? 0);
    else if (req.method === "PUT" || req.method === "POST" || req.method === "PATCH") headers["Content-Length"] = "0";
    let settled = false;
    const bodyBytes = Buffer.isBuffer(req.body) ? req.body.length : (req.bodyLength ?? 0);
    const allowed = deadlineMs(limits, bodyBytes);
    const deadline = setTimeout(() => {
      const secs = Math.round(allowed / 1000);
      r.destroy(Object.assign(new Error(`no complete answer from ${req.url.host} within ${secs} s`), { code: "ETIMEDOUT" }));
    }, allowed);
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      bodyStream?.destroy();
      reject(err);
    };
    const r = lib.request(
      req.url,
      { method: req.method, headers, agent: isHttps ? agents.https : agents.http },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) {
            res.destroy();
            fail(new Error(`response from ${req.url.host} is larger than ${MAX_BODY} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on("error", fail);
        res.on("aborted", () => fail(Object.assign(new Error("connection dropped while reading the response"), { code: "ECONNRESET" })));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          // The server may answer before it read the whole body (401, 4xx): stop sending,
          // and drop the connection so a half-sent request is never reused.
          if (bodyStream !== undefined && !r.writableFinished) {
            bodyStream.destroy();
            r.destroy();
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: req.url });
        });
      },
    );
    r.setTimeout(limits.idleMs, () => r.destroy(Object.assign(new Error(`${req.url.host} sent nothing for ${Math.round(limits.idleMs / 1000)} s`), { code: "ETIMEDOUT" })));
    r.on("error", fail);
    if (req.body === undefined) {
      r.end();
    } else if (Buffer.isBuffer(req.body)) {
      r.end(req.body);
    } else {
      const stream = req.body();
      bodyStream = stream;
      let sent = 0;
      stream.on("data", (c: Buffer) => {
        sent += c.length;
        req.onBodyProgress?.(sent);
      });
      stream.on("error", (err) => {
        r.destroy(err);
        fail(err);
      });
      stream.pipe(r);
    }
  });
}
