/**
 * PEP 508 requirements reduced to a canonical form, so a line in
 * pyproject.toml and uv's `requires-dist` entry for it compare equal.
 */
export interface Requirement {
  /** PEP 503 normalized. */
  name: string;
  /** Sorted, normalized. */
  extras: string[];
  /** Clauses without spaces, sorted, comma-joined; "" when unconstrained. */
  specifier: string;
  url: string | null;
  /** Whitespace collapsed, single quotes; null when there is none. */
  marker: string | null;
}

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

const HEAD = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*/;

/** Parses one requirement line; null when it does not start with a name. */
export function parseRequirement(text: string): Requirement | null {
  const m = HEAD.exec(text);
  if (!m) return null;
  const extras = normalizeExtras((m[2] ?? "").split(","));
  let rest = text.slice(m[0].length);
  let url: string | null = null;
  let marker: string | null = null;
  if (rest.startsWith("@")) {
    // A URL ends at whitespace; a marker may follow after " ;".
    const u = /^@\s*(\S+)\s*(?:;(.*))?$/s.exec(rest);
    url = u ? u[1]! : rest.slice(1).trim();
    marker = u?.[2] !== undefined ? normalizeMarker(u[2]) : null;
    rest = "";
  } else {
    const semi = rest.indexOf(";");
    if (semi >= 0) {
      marker = normalizeMarker(rest.slice(semi + 1));
      rest = rest.slice(0, semi);
    }
  }
  return { name: normalizeName(m[1]!), extras, specifier: normalizeSpecifier(rest), url, marker };
}

export function normalizeExtras(extras: readonly string[]): string[] {
  return [...new Set(extras.map((e) => normalizeName(e.trim())).filter((e) => e !== ""))].sort();
}

export function normalizeSpecifier(spec: string): string {
  const inner = spec.trim().replace(/^\((.*)\)$/s, "$1");
  return inner
    .split(",")
    .map((s) => s.replace(/\s+/g, ""))
    .filter((s) => s !== "")
    .sort()
    .join(",");
}

export function normalizeMarker(marker: string): string | null {
  const m = marker.trim().replace(/"/g, "'").replace(/\s+/g, " ").replace(/\(\s+/g, "(").replace(/\s+\)/g, ")");
  return m === "" ? null : m;
}

/** The canonical text of a requirement: what comparisons and messages use. */
export function formatRequirement(r: Requirement): string {
  let s = r.name;
  if (r.extras.length > 0) s += `[${r.extras.join(",")}]`;
  if (r.url !== null) s += ` @ ${r.url}`;
  else s += r.specifier;
  if (r.marker !== null) s += `; ${r.marker}`;
  return s;
}
