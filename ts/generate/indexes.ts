import type { CognixConfig } from "../types/cognix.ts";
import type { Problem } from "../util/errors.ts";
import type { Located } from "./requirements.ts";

export type IndexEntry = CognixConfig["python"]["indexes"][number];

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/** A stable index name from its URL: host and path, lower-case, dashes. */
export function indexName(url: string): string {
  const u = new URL(url);
  const slug = `${u.hostname}${u.pathname}`.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug === "" ? "index" : slug;
}

/** Only absolute http(s) or file URLs can be given to the Python locker. */
export function checkIndexUrl(u: Located, problems: Problem[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(u.value);
  } catch {
    problems.push({ ...u.loc, message: `package index must be an absolute URL, not ${JSON.stringify(u.value)}` });
    return false;
  }
  if (!["http:", "https:", "file:"].includes(parsed.protocol)) {
    problems.push({ ...u.loc, message: `package index URL must use http, https or file, not ${JSON.stringify(u.value)}` });
    return false;
  }
  return true;
}

/**
 * Resolver indexes first (they route specific packages), then the user's
 * --index-url/--extra-index-url lines as general extra indexes, each URL once.
 */
export function mergeIndexes(resolved: readonly IndexEntry[], user: readonly Located[], problems: Problem[]): IndexEntry[] {
  const out: IndexEntry[] = resolved.map((i) => ({ name: i.name, url: i.url, packages: [...i.packages] }));
  for (const u of user) {
    if (!checkIndexUrl(u, problems)) continue;
    if (out.some((i) => sameUrl(i.url, u.value))) continue;
    let name = indexName(u.value);
    for (let n = 2; out.some((i) => i.name === name); n++) name = `${indexName(u.value)}-${n}`;
    out.push({ name, url: u.value, packages: [] });
  }
  return out;
}
