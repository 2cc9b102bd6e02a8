import type { Location } from "../../util/errors.ts";
import { parseRequirement, type Requirement as Parsed } from "../../python/pep508.ts";
import { wheelName } from "../../python/wheel.ts";
import { exactPin, firstVersion } from "./pins.ts";
import type { Requirement } from "./types.ts";

/** How a framework requirement constrains its version, as Cog reads it. */
export interface FrameworkPin {
  text: string;
  loc: Location;
  parsed: Parsed;
  /**
   * "exact": one `==` version, or a wheel URL naming it; "range": other
   * specifiers, `version` being the first one written (what Cog takes);
   * "none": no version at all.
   */
  kind: "exact" | "range" | "none";
  /** The exact version or the range's first; "" for "none". */
  version: string;
  /** The line names its own index (`--extra-index-url=URL`). */
  ownIndex: string | null;
}

export function frameworkPin(req: Requirement, parsed: Parsed): FrameworkPin {
  const base = { text: req.text, loc: req.loc, parsed, ownIndex: req.ownIndex ?? null };
  if (parsed.url !== null) {
    const v = wheelName(parsed.url)?.version ?? null;
    return v === null ? { ...base, kind: "none", version: "" } : { ...base, kind: "exact", version: v };
  }
  const exact = exactPin(parsed);
  if (exact !== null) return { ...base, kind: "exact", version: exact };
  const first = firstVersion(parsed);
  return first === null ? { ...base, kind: "none", version: "" } : { ...base, kind: "range", version: first };
}

/** The first requirement of each framework, as Cog reads the version from the first one. */
export function findFrameworks(reqs: readonly Requirement[]): { torch: FrameworkPin | null; tensorflow: FrameworkPin | null } {
  let torch: FrameworkPin | null = null;
  let tensorflow: FrameworkPin | null = null;
  for (const req of reqs) {
    const parsed = parseRequirement(req.text);
    if (parsed === null) continue;
    if (parsed.name === "torch" && torch === null) torch = frameworkPin(req, parsed);
    if (parsed.name === "tensorflow" && tensorflow === null) tensorflow = frameworkPin(req, parsed);
  }
  return { torch, tensorflow };
}
