import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { Agents } from "./agents.ts";
import type { Limits } from "./limits.ts";

/** One HTTP exchange; a stream body is a factory so a retry can send it again. */
export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer | (() => Readable);
  /**
   * A stream body's length, sent as Content-Length. Absent, the body goes
   * chunked and its deadline grows with the bytes sent so far.
   */
  bodyLength?: number;
  /** Called with the number of body bytes written so far. */
  onBodyProgress?: (sent: number) => void;
}

export interface SendOptions {
  limits: Limits;
  /** Keep-alive agents; Node's global agents without. */
  agents?: Agents;
}

interface Answer<B> {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered (after redirects, when they were followed). */
  url: URL;
  body: B;
}

/** An answer read whole (manifests, tokens, errors). */
export type HttpResponse = Answer<Buffer>;
/** An answer whose body the caller reads or drains (downloads, listings). */
export type StreamedResponse = Answer<IncomingMessage>;

export function header(res: { headers: IncomingHttpHeaders }, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
