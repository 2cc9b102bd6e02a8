/** The parts of a PEP 508 requirement line that version resolution needs. */
export interface ParsedRequirement {
  /** PEP 503 normalized name ("torch", "tensorflow"). */
  name: string;
  specifiers: { op: string; version: string }[];
  /** Target of a direct reference (`name @ url`). */
  url: string | null;
}

const NAME = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?/;
const SPECIFIER = /(===|==|!=|~=|<=|>=|<|>)\s*([^\s,;]+)/g;

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

export function parseRequirement(text: string): ParsedRequirement | null {
  const m = NAME.exec(text);
  if (!m) return null;
  const semi = text.indexOf(";");
  let rest = text.slice(m[0].length, semi < 0 ? undefined : semi).trim();
  let url: string | null = null;
  if (rest.startsWith("@")) {
    url = rest.slice(1).trim();
    rest = "";
  }
  const specifiers = [...rest.matchAll(SPECIFIER)].map((s) => ({ op: s[1]!, version: s[2]! }));
  return { name: normalizeName(m[1]!), specifiers, url };
}

/** The version of a lone `==` pin without wildcard, local part kept; else null. */
export function exactPin(req: ParsedRequirement): string | null {
  if (req.specifiers.length !== 1) return null;
  const s = req.specifiers[0]!;
  return (s.op === "==" || s.op === "===") && !s.version.includes("*") ? s.version : null;
}

/**
 * The lowest version a range allows (==2.1.*, ~=2.1.0, >=2.1, >2.1), or null
 * when nothing bounds it from below.
 */
export function lowerBound(req: ParsedRequirement): string | null {
  for (const s of req.specifiers) {
    if (s.op === "==" || s.op === "===" || s.op === "~=" || s.op === ">=" || s.op === ">") {
      return s.version.replace(/\.\*$/, "");
    }
  }
  return null;
}

/** A wheel URL names its version: torch-2.1.0+cu121-cp311-….whl. */
export function versionFromWheelUrl(url: string): string | null {
  const file = decodeURIComponent(url.slice(url.lastIndexOf("/") + 1));
  const m = /^[^-]+-([^-]+)-[^-]+-[^-]+-[^-]+\.whl$/.exec(file);
  return m ? m[1]! : null;
}

/** Replaces the version of the line's single `==` pin, keeping everything else. */
export function withPinnedVersion(text: string, version: string): string {
  return text.replace(/(===?)\s*[^\s,;]+/, (_all, op: string) => `${op}${version}`);
}
