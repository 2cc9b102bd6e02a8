import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** The URL that answered, after redirects. */
  url: string;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A Buffer, or a stream whose length is given in headers["content-length"]. */
  body?: Buffer | Readable;
  /** Follow 30x for GET/HEAD; only harmless headers follow a change of host. */
  followRedirects?: boolean;
  /**
   * The answer's headers must arrive within this (a trickle does not extend
   * it), and no read may wait longer; after it, the body must average
   * MIN_BODY_RATE. Default 60 s.
   */
  timeoutMs?: number;
}

const MAX_REDIRECTS = 10;
/** Slowest body accepted once the timeout has passed, in bytes per second. */
export const MIN_BODY_RATE = 16 * 1024;
/** Headers that may follow a redirect to another host; anything else may be a credential. */
const REDIRECT_SAFE = new Set(["accept", "accept-encoding", "range", "user-agent", "if-match", "if-none-match"]);

const timedOut = (message: string): Error => Object.assign(new Error(message), { code: "ETIMEDOUT" });

function once(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  const send = url.protocol === "https:" ? httpsRequest : url.protocol === "http:" ? httpRequest : null;
  if (send === null) return Promise.reject(new Error(`unsupported URL scheme in ${req.url}`));
  const timeout = req.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    // Counted from the end of the request body: uploading it may take long, an answer may not.
    let headersDue: NodeJS.Timeout | undefined;
    const r = send(url, { method: req.method, headers: req.headers ?? {}, timeout }, (res) => {
      clearTimeout(headersDue);
      keepPace(res, timeout, url.host);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: req.url });
    });
    r.once("finish", () => {
      headersDue = setTimeout(() => r.destroy(timedOut(`no answer from ${url.host} within ${timeout / 1000} s`)), timeout);
    });
    r.on("timeout", () => r.destroy(timedOut(`${url.host} sent nothing for ${timeout / 1000} s`)));
    r.on("error", (err) => {
      clearTimeout(headersDue);
      reject(err);
    });
    const body = req.body;
    if (body === undefined) r.end();
    else if (Buffer.isBuffer(body)) r.end(body);
    else {
      body.on("error", (e) => r.destroy(e));
      body.pipe(r);
    }
  });
}

/**
 * Ends a body that, once `graceMs` have passed, has averaged less than
 * MIN_BODY_RATE since its headers: a bounded wait however the bytes trickle.
 */
function keepPace(res: IncomingMessage, graceMs: number, host: string): void {
  const started = Date.now();
  const sock = res.socket;
  const base = sock?.bytesRead ?? 0;
  const check = setInterval(() => {
    const elapsed = Date.now() - started;
    const got = (sock?.bytesRead ?? 0) - base;
    if (elapsed > graceMs && got < ((elapsed - graceMs) / 1000) * MIN_BODY_RATE) {
      res.destroy(timedOut(`${host} sends slower than ${MIN_BODY_RATE / 1024} KiB/s`));
    }
  }, Math.min(1000, Math.max(50, graceMs / 4)));
  check.unref();
  const stop = (): void => clearInterval(check);
  res.once("close", stop);
  res.once("end", stop);
  res.once("error", stop);
}

/** One HTTP exchange with node:http(s); the caller consumes or drains `body`. */
export async function request(req: HttpRequest): Promise<HttpResponse> {
  let current = req;
  for (let hop = 0; ; hop++) {
    const res = await once(current);
    const location = res.headers.location;
    const redirect = [301, 302, 303, 307, 308].includes(res.status) && location !== undefined;
    if (!redirect || !req.followRedirects || (req.method !== "GET" && req.method !== "HEAD")) return res;
    res.body.resume();
    if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects from ${req.url}`);
    const next = new URL(location, current.url);
    const from = new URL(current.url);
    let headers = { ...(current.headers ?? {}) };
    if (next.origin !== from.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => REDIRECT_SAFE.has(k.toLowerCase())));
    current = { ...current, url: next.href, headers };
  }
}

export async function readBody(res: HttpResponse, limit = 64 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > limit) {
      res.body.destroy();
      throw new Error(`response from ${res.url} is larger than ${limit} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Reads and throws for a non-2xx answer, quoting the start of the body. */
export async function expectOk(res: HttpResponse, what: string): Promise<HttpResponse> {
  if (res.status >= 200 && res.status < 300) return res;
  let detail = "";
  try {
    detail = (await readBody(res, 1 << 20)).toString("utf8").slice(0, 300).trim();
  } catch {
    // The status alone is enough.
  }
  throw new HttpError(res.status, `${what}: HTTP ${res.status} from ${res.url}${detail ? `: ${detail}` : ""}`);
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}
