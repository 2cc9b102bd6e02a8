import { parseRequirement } from "../../python/pep508.ts";
import type { Location, Problem } from "../../util/errors.ts";
import { COG_MINIMUM_PYTHON } from "./python.ts";
import { compareVersions } from "./version.ts";

/**
 * The last cog SDK of the 0.16 line: its own Python server, Python 3.8+.
 * Models on a Python older than 3.10 get it, since current Cog refuses them.
 */
export const LAST_LEGACY_SDK = "0.16.12";
/** The first SDK served by coglet (Cog's cogletMinSDKVersion); it needs Python 3.10. */
export const COGLET_SDK = "0.17.0";
/** Cog's MinimumSDKVersion: the oldest SDK a build may pin. */
const MINIMUM_SDK = "0.16.0";
/** coglet needs the Python current Cog needs. */
const COGLET_PYTHON = COG_MINIMUM_PYTHON;
const PEP440 = /^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$/;

export interface SdkChoice {
  /** The exact SDK to install, or null for the newest cog and coglet (uv.lock pins them). */
  version: string | null;
  warnings: Problem[];
}

/** MAJOR.MINOR.PATCH of a version, as Cog compares SDK versions (pre-release suffixes ignored). */
function release(v: string): string {
  return /^\d+(\.\d+){0,2}/.exec(v)?.[0] ?? v;
}

/** True when the SDK (null: the newest) serves predictions through coglet rather than its own Python server. */
export function servedByCoglet(sdkVersion: string | null): boolean {
  return sdkVersion === null || compareVersions(release(sdkVersion), COGLET_SDK) >= 0;
}

/**
 * Whether build.sdk_version (as written) and python_version give the model
 * an SDK served by coglet: a pin from 0.17 (or "prerelease"), or no pin on a
 * Python current Cog supports.
 */
export function choosesCoglet(sdk: string | undefined, python: string | undefined): boolean {
  if (sdk === undefined) return python === undefined || compareVersions(python, COGLET_PYTHON) >= 0;
  return sdk.trim() === "prerelease" || servedByCoglet(sdk.trim());
}

/**
 * Which cog SDK a model gets: build.sdk_version when given; otherwise the
 * newest cog and coglet, as current Cog installs them, except on a Python
 * current Cog refuses, which gets the last SDK that runs there.
 */
export function resolveSdk(
  value: { value: string; loc: Location } | undefined,
  python: { version: string | null; loc: Location },
  requirements: readonly { text: string; loc: Location }[],
): SdkChoice | Problem {
  const warnings: Problem[] = [];
  let version: string | null;
  if (value === undefined) {
    version = null;
    if (python.version !== null && compareVersions(python.version, COGLET_PYTHON) < 0) {
      version = LAST_LEGACY_SDK;
      warnings.push({
        ...python.loc,
        message: `current Cog needs Python ${COGLET_PYTHON} or newer, so cognix installs cog ${LAST_LEGACY_SDK}, the last SDK that runs on Python ${python.version} (served by its own Python server, not coglet); use Python ${COGLET_PYTHON}+ for the current SDK`,
      });
    }
  } else {
    const v = value.value.trim();
    if (v === "prerelease") {
      return { ...value.loc, message: `sdk_version "prerelease" is not supported: leave sdk_version out for the newest release (uv.lock pins it), or pin a pre-release, e.g. "0.18.0rc1"` };
    }
    if (!PEP440.test(v)) {
      return { ...value.loc, message: `sdk_version "${v}" is not a version; write an exact cog release, e.g. "${LAST_LEGACY_SDK}", or leave it out for the newest` };
    }
    if (compareVersions(release(v), MINIMUM_SDK) < 0) {
      return { ...value.loc, message: `cog version ${v} is below the minimum required version ${MINIMUM_SDK}` };
    }
    if (python.version !== null && servedByCoglet(v) && compareVersions(python.version, COGLET_PYTHON) < 0) {
      return { ...value.loc, message: `cog ${v} needs Python ${COGLET_PYTHON} or newer (python_version is ${python.version}); use sdk_version "${LAST_LEGACY_SDK}" or a newer Python` };
    }
    version = v;
  }
  warnings.push(...managedRequirementWarnings(requirements, version));
  return { version, warnings };
}

/** cog and coglet in the requirements are replaced by the SDK chosen here, as Cog replaces them. */
function managedRequirementWarnings(requirements: readonly { text: string; loc: Location }[], version: string | null): Problem[] {
  const out: Problem[] = [];
  for (const r of requirements) {
    const name = parseRequirement(r.text)?.name;
    if (name !== "cog" && name !== "coglet") continue;
    let instead: string;
    if (name === "cog") instead = version === null ? "overriding with the newest cog from PyPI" : `overriding with cog==${version} from PyPI`;
    else if (version === null) instead = "overriding with the newest coglet from PyPI";
    else if (servedByCoglet(version)) instead = `overriding with the coglet cog ${version} requires`;
    else instead = `removing it: cog ${version} serves predictions with its own Python server`;
    out.push({ ...r.loc, message: `'${r.text}' found in requirements — ${instead}. Remove it from requirements and use build.sdk_version in cog.yaml to control the version` });
  }
  return out;
}
