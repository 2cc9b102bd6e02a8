import type { Requirement } from "../../python/pep508.ts";

/**
 * How Cog reads the version of a framework requirement
 * (pkg/requirements: SplitPinnedPythonRequirement, Versions).
 */

/** The version of a lone `==` pin without wildcard, local part kept; else null. Only these reach Cog's tables. */
export function exactPin(req: Requirement): string | null {
  if (req.specifiers.length !== 1) return null;
  const s = req.specifiers[0]!;
  return s.op === "==" && !s.version.includes("*") ? s.version : null;
}

/**
 * The version Cog takes from a range to choose CUDA: the first one written,
 * whatever its operator (`torch<=2.0.1` → 2.0.1, `torch>=2.1,<2.6` → 2.1),
 * a trailing `.*` dropped; null when none is written.
 */
export function firstVersion(req: Requirement): string | null {
  const first = req.specifiers[0];
  return first === undefined ? null : first.version.replace(/\.\*$/, "");
}

/** Replaces the version of the line's single `==` pin, keeping everything else. */
export function withPinnedVersion(text: string, version: string): string {
  return text.replace(/(===?)\s*[^\s,;]+/, (_all, op: string) => `${op}${version}`);
}
