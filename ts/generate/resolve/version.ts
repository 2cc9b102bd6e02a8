/**
 * Version arithmetic the way Cog does it (pkg/util/version): up to three
 * numeric parts, a missing minor counts as 0, a missing patch matches any
 * patch, and a `+local` part is carried but ignored by comparisons.
 */
export interface Version {
  major: number;
  minor: number;
  patch: number | null;
  local: string;
}

export function parseVersion(text: string): Version | null {
  const plus = text.indexOf("+");
  const number = plus < 0 ? text : text.slice(0, plus);
  const parts = number.split(".");
  if (parts.length > 3 || parts.some((p) => !/^\d+$/.test(p))) return null;
  return {
    major: Number(parts[0]),
    minor: parts.length >= 2 ? Number(parts[1]) : 0,
    patch: parts.length >= 3 ? Number(parts[2]) : null,
    local: plus < 0 ? "" : text.slice(plus + 1),
  };
}

function both(a: string, b: string): [Version, Version] | null {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x && y ? [x, y] : null;
}

/** a > b, patch defaulting to 0; false when either does not parse. */
export function greater(a: string, b: string): boolean {
  const v = both(a, b);
  if (!v) return false;
  const [x, y] = v;
  if (x.major !== y.major) return x.major > y.major;
  if (x.minor !== y.minor) return x.minor > y.minor;
  return (x.patch ?? 0) > (y.patch ?? 0);
}

/** Same major.minor, and same patch when both have one. */
export function matches(a: string, b: string): boolean {
  const v = both(a, b);
  if (!v) return false;
  const [x, y] = v;
  return x.major === y.major && x.minor === y.minor && (x.patch === null || y.patch === null || x.patch === y.patch);
}

export function equalMinor(a: string, b: string): boolean {
  const v = both(a, b);
  return v !== null && v[0].major === v[1].major && v[0].minor === v[1].minor;
}

/** Equal as PEP 440 release numbers (2.1 == 2.1.0), local parts ignored. */
export function sameRelease(a: string, b: string): boolean {
  const v = both(a, b);
  return v !== null && !greater(a, b) && !greater(b, a);
}

export function stripLocal(version: string): string {
  const plus = version.indexOf("+");
  return plus < 0 ? version : version.slice(0, plus);
}

export function majorMinor(version: string): string {
  const v = parseVersion(version);
  return v ? `${v.major}.${v.minor}` : version;
}

/** Ascending order for sort(). */
export function compareVersions(a: string, b: string): number {
  return greater(a, b) ? 1 : greater(b, a) ? -1 : 0;
}
