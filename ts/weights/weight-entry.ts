import { CognixError, type Problem } from "../util/errors.ts";

/** A cognix.json `weights` entry. */
export interface WeightEntry {
  name: string;
  source: string;
  target: string;
  include?: string[];
  exclude?: string[];
}

const NAME_RE = /^[a-z0-9]+([._-][a-z0-9]+)*$/;

/** Checks cognix.json's `weights` list; all problems at once, with key paths. */
export function parseWeightEntries(value: unknown, file: string): WeightEntry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new CognixError({ file, path: ["weights"], message: "must be a list" });
  const problems: Problem[] = [];
  const names = new Set<string>();
  value.forEach((raw: unknown, i: number) => {
    const at = ["weights", i];
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push({ file, path: at, message: "must be an object" });
      return;
    }
    const e = raw as Record<string, unknown>;
    if (typeof e.name !== "string" || !NAME_RE.test(e.name)) problems.push({ file, path: [...at, "name"], message: "must match [a-z0-9]+([._-][a-z0-9]+)*" });
    else if (names.has(e.name)) problems.push({ file, path: [...at, "name"], message: `duplicate weight name ${JSON.stringify(e.name)}` });
    else names.add(e.name);
    if (typeof e.source !== "string" || e.source === "") problems.push({ file, path: [...at, "source"], message: "must be a non-empty string" });
    if (typeof e.target !== "string" || !e.target.startsWith("/") || e.target === "/" || e.target.split("/").slice(1).some((s) => s === "" || s === "." || s === "..")) {
      problems.push({ file, path: [...at, "target"], message: "must be an absolute directory other than / without '.', '..' or empty segments" });
    }
    for (const k of ["include", "exclude"] as const) {
      const v = e[k];
      if (v !== undefined && !(Array.isArray(v) && v.every((s) => typeof s === "string"))) problems.push({ file, path: [...at, k], message: "must be a list of strings" });
    }
  });
  if (problems.length > 0) throw new CognixError(problems);
  return value as WeightEntry[];
}
