import { normalizeName } from "./name.ts";
import { formatSpecifiers, parseSpecifiers, type Specifier } from "./specifier.ts";

/** A PEP 508 requirement line, read. */
export interface Requirement {
  /** PEP 503 normalized. */
  name: string;
  /** Normalized, sorted, without duplicates. */
  extras: string[];
  /** Empty for a direct reference or an unconstrained name. */
  specifiers: Specifier[];
  /** Target of a direct reference (`name @ url`). */
  url: string | null;
  /** Whitespace collapsed, single quotes; null when there is none. */
  marker: string | null;
}

const HEAD = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*/;
/** A URL ends at whitespace; a marker may follow after it (PEP 508 wants the space). */
const DIRECT = /^@\s*(\S+)\s*(?:;(.*))?$/s;

/** Reads one requirement; null when it is not PEP 508 (no name, or clauses that are not specifiers). */
export function parseRequirement(text: string): Requirement | null {
  const head = HEAD.exec(text);
  if (head === null) return null;
  const extras = normalizeExtras((head[2] ?? "").split(","));
  const rest = text.slice(head[0].length);
  if (rest.startsWith("@")) {
    const direct = DIRECT.exec(rest);
    if (direct === null) return null;
    const marker = direct[2] === undefined ? null : normalizeMarker(direct[2]);
    return { name: normalizeName(head[1]!), extras, specifiers: [], url: direct[1]!, marker };
  }
  const semi = rest.indexOf(";");
  const specifiers = parseSpecifiers(semi < 0 ? rest : rest.slice(0, semi));
  if (specifiers === null) return null;
  const marker = semi < 0 ? null : normalizeMarker(rest.slice(semi + 1));
  return { name: normalizeName(head[1]!), extras, specifiers, url: null, marker };
}

export function normalizeExtras(extras: readonly string[]): string[] {
  return [...new Set(extras.map((e) => normalizeName(e.trim())).filter((e) => e !== ""))].sort();
}

/** One spelling per marker, so a line and uv's record of it compare equal. */
export function normalizeMarker(marker: string): string | null {
  const m = marker.trim().replace(/"/g, "'").replace(/\s+/g, " ").replace(/\(\s+/g, "(").replace(/\s+\)/g, ")");
  return m === "" ? null : m;
}

/** The canonical text of a requirement: what comparisons and messages use. */
export function formatRequirement(r: Requirement): string {
  let s = r.name;
  if (r.extras.length > 0) s += `[${r.extras.join(",")}]`;
  if (r.url !== null) s += ` @ ${r.url}`;
  else s += formatSpecifiers(r.specifiers);
  if (r.marker !== null) s += `; ${r.marker}`;
  return s;
}
