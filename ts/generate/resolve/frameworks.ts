import type { Location } from "../../util/errors.ts";
import type { Requirement } from "./index.ts";
import { exactPin, lowerBound, parseRequirement, versionFromWheelUrl, type ParsedRequirement } from "./requirement.ts";

/** How a framework requirement constrains its version. */
export interface FrameworkPin {
  text: string;
  loc: Location;
  parsed: ParsedRequirement;
  /** "exact": one `==` version (or a wheel URL naming it); "range": only a lower bound is known; "none": unconstrained. */
  kind: "exact" | "range" | "none";
  /** The exact version or the lower bound; "" for "none". */
  version: string;
}

export function frameworkPin(req: Requirement, parsed: ParsedRequirement): FrameworkPin {
  const base = { text: req.text, loc: req.loc, parsed };
  if (parsed.url !== null) {
    const v = versionFromWheelUrl(parsed.url);
    return v === null ? { ...base, kind: "none", version: "" } : { ...base, kind: "exact", version: v };
  }
  const exact = exactPin(parsed);
  if (exact !== null) return { ...base, kind: "exact", version: exact };
  const bound = lowerBound(parsed);
  return bound === null ? { ...base, kind: "none", version: "" } : { ...base, kind: "range", version: bound };
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
