import type { CogYaml } from "../types/cog-yaml.ts";
import { parseReference } from "../registry/reference.ts";
import { CognixError, type Problem } from "../util/errors.ts";
import type { KeyPath, YamlSource } from "./yaml-source.ts";

/** Largest integer every reader of cognix.json takes exactly (Go, Nix, JSON, the cog SDK). */
export const MAX_INT = 2 ** 31 - 1;

/**
 * Values YAML and the schema accept that a later stage would truncate,
 * misread or refuse: NUL characters (Nix strings and environment variables
 * end at them), integers past 32 bits, image names that are no reference.
 */
export function portabilityProblems(src: YamlSource, raw: CogYaml): Problem[] {
  const problems: Problem[] = [];
  walkStrings(src.value, [], (path, isKey) => {
    const where = isKey ? src.locateKey(path) : src.locate(path);
    problems.push({ ...where, message: "contains a NUL character, which an environment variable, a command line or a Nix string cannot carry" });
  });
  const c = raw.concurrency;
  if (c !== undefined && c !== null) {
    if (typeof c.max === "number" && !(Number.isInteger(c.max) && c.max >= 1 && c.max <= MAX_INT)) {
      problems.push({ ...src.locate(["concurrency", "max"]), message: `must be a whole number from 1 to ${MAX_INT}` });
    }
    const t = c.default_target;
    if (typeof t === "number" && !(Number.isInteger(t) && Math.abs(t) <= MAX_INT)) {
      problems.push({ ...src.locate(["concurrency", "default_target"]), message: `must be a whole number from -${MAX_INT} to ${MAX_INT}` });
    }
  }
  for (const key of ["image", "model"] as const) {
    const value = raw[key];
    if (typeof value !== "string" || value === "") continue;
    try {
      parseReference(value);
    } catch (err) {
      if (!(err instanceof CognixError)) throw err;
      problems.push({ ...src.locate([key]), message: err.problems.map((p) => p.message).join("; ") });
    }
  }
  return problems;
}

function walkStrings(value: unknown, path: KeyPath, onNul: (path: KeyPath, isKey: boolean) => void): void {
  if (typeof value === "string") {
    if (value.includes("\0")) onNul(path, false);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walkStrings(v, [...path, i], onNul));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k.includes("\0")) onNul([...path, k], true);
      walkStrings(v, [...path, k], onNul);
    }
  }
}
