import { readFileSync } from "node:fs";
import type { Location, Problem } from "../../util/errors.ts";
import { compareVersions } from "./version.ts";

interface PythonsData {
  supported: string[];
  notInNixpkgs: string[];
  unsupported: Record<string, string>;
}

/**
 * lib/data/pythons.json: the Python facts the Nix side reads too (lib/python),
 * so `cognix generate` and the image build accept the same versions.
 */
function loadPythons(): PythonsData {
  const file = new URL("../../../lib/data/pythons.json", import.meta.url);
  return JSON.parse(readFileSync(file, "utf8")) as PythonsData;
}

const PYTHONS = loadPythons();

/** Python minors cognix builds images for. */
export const SUPPORTED_PYTHONS: readonly string[] = PYTHONS.supported;

/** Cog's MinimumMajorPythonVersion.MinimumMinorPythonVersion: `cog build` refuses anything older. */
export const COG_MINIMUM_PYTHON = "3.10";

const olderThanCog = (minor: string): boolean => compareVersions(minor, COG_MINIMUM_PYTHON) < 0;

/**
 * Minors current nixpkgs no longer carries an interpreter for: the image then
 * needs `python.interpreter` set by hand in the model's flake.
 */
export const PYTHONS_NOT_IN_NIXPKGS: readonly string[] = PYTHONS.notInNixpkgs;

/** "3.11" or "3.12.4" → "3.11"; a Problem when it is not a supported Python. */
export function pythonMinor(version: string, loc: Location): string | Problem {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?\s*$/.exec(version);
  if (!m) {
    return { ...loc, message: `python_version "${version}" must be major.minor or major.minor.patch, e.g. "3.11"` };
  }
  const minor = `${Number(m[1])}.${Number(m[2])}`;
  if (!SUPPORTED_PYTHONS.includes(minor)) {
    const why = PYTHONS.unsupported[minor];
    const old = olderThanCog(minor);
    const reasons = [old ? `current Cog refuses Python below ${COG_MINIMUM_PYTHON}, and cognix cannot build it either` : undefined, why].filter((r) => r !== undefined);
    const instead = old ? `raise python_version to ${COG_MINIMUM_PYTHON} or later` : `use one of ${SUPPORTED_PYTHONS.join(", ")}`;
    return { ...loc, message: `Python ${minor} is not supported${reasons.length === 0 ? "" : `: ${reasons.join(" (")}${reasons.length > 1 ? ")" : ""}`}; ${instead}` };
  }
  return minor;
}

/**
 * A supported Python that nixpkgs has no interpreter for builds only with
 * `python.interpreter` set in the model's flake: the problem to report when
 * it is not, naming both ways out; null for the other Pythons.
 */
export function pythonProblemWithoutInterpreter(minor: string, loc: Location, flakeUnread?: string): Problem | null {
  if (!PYTHONS_NOT_IN_NIXPKGS.includes(minor)) return null;
  const cog = olderThanCog(minor) ? `current Cog refuses Python below ${COG_MINIMUM_PYTHON}, and ` : "";
  return {
    ...loc,
    message: `Python ${minor}: ${cog}nixpkgs has no Python ${minor} interpreter${flakeUnread === undefined ? "" : ` (${flakeUnread})`}. Raise python_version to ${COG_MINIMUM_PYTHON} or later, or set \`python.interpreter\` to a Python ${minor} package in the model's flake.nix (cognix generate reads it from there)`,
  };
}

/** "3.10–3.12" style summary of a list of minors. */
export function pythonRange(pythons: readonly string[]): string {
  if (pythons.length === 0) return "none";
  return pythons.length === 1 ? pythons[0]! : `${pythons[0]}–${pythons[pythons.length - 1]}`;
}
