import type { Location, Problem } from "../../util/errors.ts";
import { compareVersions } from "./version.ts";

/**
 * The cog SDK installed when cog.yaml does not pin one: the last release of
 * the 0.16 line. It runs on Python 3.8+ and can write its OpenAPI schema from
 * inside the image (python -m cog.command.openapi_schema); 0.17+ needs
 * Python 3.10+ and the Go CLI for the schema.
 */
export const DEFAULT_COG_SDK = "0.16.12";
const MINIMUM_SDK = "0.16.0";
const PEP440 = /^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$/;

export function resolveSdk(value: { value: string; loc: Location } | undefined, python: string | null): string | Problem {
  if (value === undefined) return DEFAULT_COG_SDK;
  const v = value.value.trim();
  if (v === "prerelease") {
    return { ...value.loc, message: `sdk_version "prerelease" installs whatever pre-release is newest; pin a version, e.g. sdk_version: "${DEFAULT_COG_SDK}"` };
  }
  if (!PEP440.test(v)) {
    return { ...value.loc, message: `sdk_version "${v}" is not a version; write an exact cog release, e.g. "${DEFAULT_COG_SDK}"` };
  }
  const release = /^\d+(\.\d+)*/.exec(v)![0];
  if (compareVersions(release, MINIMUM_SDK) < 0) {
    return { ...value.loc, message: `sdk_version ${v} is below the minimum ${MINIMUM_SDK}` };
  }
  if (python !== null && compareVersions(release, "0.17.0") >= 0 && compareVersions(python, "3.10") < 0) {
    return { ...value.loc, message: `cog ${v} needs Python 3.10 or newer (python_version is ${python}); use sdk_version "${DEFAULT_COG_SDK}" or a newer Python` };
  }
  return v;
}
