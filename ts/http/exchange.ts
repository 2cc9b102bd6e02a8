import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { timedOut } from "./errors.ts";
import { deadlineMs, seconds, type Limits } from "./limits.ts";
import type { HttpRequest, HttpResponse, SendOptions, StreamedResponse } from "./types.ts";

/** Largest answer `send` reads into memory. */
export const MAX_BODY = 64 * 1024 * 1024;

/**
 * How the answer's body is timed: `whole` must be complete by the deadline;
 * `paced` may take as long as it averages minBytesPerSecond.
 */
type BodyRule = "whole" | "paced";

function bodyBytes(req: HttpRequest): number {
  return Buffer.isBuffer(req.body) ? req.body.length : (req.bodyLength ?? 0);
}

/** A stream body of unknown length: sent chunked (a registry's streamed upload). */
function chunked(req: HttpRequest): boolean {
  return typeof req.body === "function" && req.bodyLength === undefined;
}

/** The caller's headers, with a User-Agent and the Content-Length a registry or bucket wants. */
function headersOf(req: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = { "User-Agent": "cognix", ...req.headers };
  const given = Object.keys(headers).some((k) => k.toLowerCase() === "content-length");
  const hasBody = req.body !== undefined;
  if (!given && !chunked(req) && (hasBody || ["PUT", "POST", "PATCH"].includes(req.method))) headers["Content-Length"] = String(bodyBytes(req));
  return headers;
}

/**
 * Ends a body that, once `limits.requestMs` have passed since its headers,
 * has averaged less than minBytesPerSecond: a bounded wait however it trickles.
 */
function keepPace(res: IncomingMessage, limits: Limits, host: string): void {
  const started = Date.now();
  const sock = res.socket;
  const base = sock?.bytesRead ?? 0;
  const check = setInterval(() => {
    const elapsed = Date.now() - started;
    const got = (sock?.bytesRead ?? 0) - base;
    if (elapsed > limits.requestMs && got < ((elapsed - limits.requestMs) / 1000) * limits.minBytesPerSecond) {
      res.destroy(timedOut(`${host} sends slower than ${limits.minBytesPerSecond / 1024} KiB/s`));
    }
  }, Math.min(1000, Math.max(50, limits.requestMs / 4)));
  check.unref();
  const stop = (): void => clearInterval(check);
  res.once("close", stop);
}

/**
 * Sends `req` and resolves with the answer's headers. The request body and
 * the headers must arrive within deadlineMs; `rule` says how the body is timed.
 * Network errors and deadlines reject (or fail the body) with their code,
 * ETIMEDOUT for a deadline.
 */
function start(req: HttpRequest, opts: SendOptions, rule: BodyRule): Promise<StreamedResponse> {
  const url = req.url;
  const lib = url.protocol === "https:" ? https : url.protocol === "http:" ? http : null;
  if (lib === null) return Promise.reject(new Error(`unsupported URL scheme in ${url.href}`));
  const { limits } = opts;
  const agent = opts.agents === undefined ? undefined : url.protocol === "https:" ? opts.agents.https : opts.agents.http;
  return new Promise<StreamedResponse>((resolve, reject) => {
    let bodyStream: Readable | undefined;
    let response: IncomingMessage | undefined;
    /** Fails the answer's body once there is one, the request before. */
    const fail = (err: Error): void => {
      clearTimeout(deadline);
      bodyStream?.destroy();
      if (response === undefined) r.destroy(err);
      else response.destroy(err);
    };
    const began = Date.now();
    let allowed = deadlineMs(limits, bodyBytes(req));
    const expire = (): void => {
      const what = response === undefined ? "no answer" : "no complete answer";
      fail(timedOut(`${what} from ${url.host} within ${seconds(allowed)} s`));
    };
    let deadline = setTimeout(expire, allowed);
    /** A chunked body earns time as it is sent, at the same pace a known length would. */
    const extend = (sent: number): void => {
      if (response !== undefined) return;
      clearTimeout(deadline);
      allowed = deadlineMs(limits, sent);
      deadline = setTimeout(expire, Math.max(0, began + allowed - Date.now()));
    };
    const r = lib.request(url, { method: req.method, headers: headersOf(req), ...(agent !== undefined ? { agent } : {}) }, (res) => {
      response = res;
      if (rule === "paced") {
        clearTimeout(deadline);
        keepPace(res, limits, url.host);
      }
      res.once("close", () => clearTimeout(deadline));
      res.once("end", () => {
        // The server may answer before it read the whole body (401, 4xx): stop
        // sending, and drop the connection so a half-sent request is never reused.
        if (bodyStream !== undefined && !r.writableFinished) {
          bodyStream.destroy();
          r.destroy();
        }
      });
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url });
    });
    r.setTimeout(limits.idleMs, () => fail(timedOut(`${url.host} sent nothing for ${seconds(limits.idleMs)} s`)));
    r.on("error", (err) => {
      clearTimeout(deadline);
      bodyStream?.destroy();
      if (response === undefined) reject(err);
      else if (!response.destroyed) response.destroy(err);
    });
    if (req.body === undefined) {
      r.end();
    } else if (Buffer.isBuffer(req.body)) {
      r.end(req.body);
    } else {
      const stream = req.body();
      bodyStream = stream;
      let sent = 0;
      const growing = chunked(req);
      stream.on("data", (c: Buffer) => {
        sent += c.length;
        if (growing) extend(sent);
        req.onBodyProgress?.(sent);
      });
      stream.on("error", (err) => r.destroy(err));
      stream.pipe(r);
    }
  });
}

/** Reads a body whole, up to `limit` bytes. */
export async function readBody(res: StreamedResponse, limit = MAX_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > limit) {
      res.body.destroy();
      throw new Error(`response from ${res.url.host} is larger than ${limit} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/**
 * One exchange whose answer is read whole, all of it within the deadline
 * (a trickle of bytes does not extend it).
 */
export async function send(req: HttpRequest, opts: SendOptions): Promise<HttpResponse> {
  const res = await start(req, opts, "whole");
  return { ...res, body: await readBody(res) };
}

/**
 * One exchange whose body the caller consumes or drains: the headers must
 * come within the deadline, the body keep the minimum pace.
 */
export function open(req: HttpRequest, opts: SendOptions): Promise<StreamedResponse> {
  return start(req, opts, "paced");
}
