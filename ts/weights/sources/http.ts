import type { Listing } from "./listed-file.ts";

/** A plain URL is one file, named after the URL's last path segment; it has no hash to read. */
export function listHttp(url: string): Listing {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(u.pathname.lastIndexOf("/") + 1));
  return { files: [{ path: name, size: -1, sha256: null, url: u.href, fetch: { url: u.href, headers: {} } }], notes: [] };
}
