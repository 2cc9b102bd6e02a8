import { open } from "./exchange.ts";
import type { HttpRequest, SendOptions, StreamedResponse } from "./types.ts";

export const REDIRECT_STATUSES: readonly number[] = [301, 302, 303, 307, 308];
const MAX_REDIRECTS = 10;
/** Headers that may follow a redirect to another origin; anything else may be a credential. */
const REDIRECT_SAFE = new Set(["accept", "accept-encoding", "range", "user-agent", "if-match", "if-none-match"]);

/**
 * `open`, following redirects of a GET or HEAD (up to ten): a hop to another
 * origin keeps only harmless headers, never credentials or signatures.
 */
export async function openFollowing(req: HttpRequest, opts: SendOptions): Promise<StreamedResponse> {
  let current = req;
  for (let hop = 0; ; hop++) {
    const res = await open(current, opts);
    const location = res.headers.location;
    const redirect = REDIRECT_STATUSES.includes(res.status) && location !== undefined;
    if (!redirect || (req.method !== "GET" && req.method !== "HEAD")) return res;
    res.body.resume();
    if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects from ${req.url.href}`);
    const next = new URL(location, current.url);
    let headers = { ...(current.headers ?? {}) };
    if (next.origin !== current.url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => REDIRECT_SAFE.has(k.toLowerCase())));
    current = { ...current, url: next, headers };
  }
}
