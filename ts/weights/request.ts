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
  /** Follow 30x for GET/HEAD (auth headers are dropped on a host change). */
  followRedirects?: boolean;
  timeoutMs?: number;
}

const MAX_REDIRECTS = 10;

function once(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  const send = url.protocol === "https:" ? httpsRequest : url.protocol === "http:" ? httpRequest : null;
  if (send === null) return Promise.reject(new Error(`unsupported URL scheme in ${req.url}`));
  return new Promise((resolve, reject) => {
    const r = send(url, { method: req.method, headers: req.headers ?? {}, timeout: req.timeoutMs ?? 60_000 }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: req.url });
    });
    r.on("timeout", () => r.destroy(new Error(`timed out talking to ${url.host}`)));
    r.on("error", reject);
    const body = req.body;
    if (body === undefined) r.end();
    else if (Buffer.isBuffer(body)) r.end(body);
    else {
      body.on("error", (e) => r.destroy(e));
      body.pipe(r);
    }
  });
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
    const headers = { ...(current.headers ?? {}) };
    if (next.host !== new URL(current.url).host) delete headers.authorization;
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
