import type { Location, Problem } from "../util/errors.ts";
import type { KeyPath, YamlSource } from "./yaml-source.ts";

/** Lowest cog SDK a build may pin (Cog's MinimumSDKVersion). */
export const MINIMUM_SDK_VERSION = [0, 16, 0] as const;

export interface VersionField {
  value: string;
  loc: Location;
}

/**
 * Reads a version-like field that YAML may have typed as a number. A number
 * whose YAML text reads differently (3.10 → 3.1) is an error asking for quotes.
 */
export function versionText(src: YamlSource, path: KeyPath, raw: unknown, problems: Problem[]): VersionField | undefined {
  if (raw === undefined || raw === null) return undefined;
  const loc = src.locate(path);
  if (typeof raw === "number") {
    const text = src.plainScalarText(path) ?? String(raw);
    if (text !== String(raw)) {
      problems.push({ ...loc, message: `${text} is read by YAML as the number ${String(raw)}; quote it: "${text}"` });
      return undefined;
    }
    return { value: text, loc };
  }
  return { value: String(raw).trim(), loc };
}

export function checkPythonVersion(v: VersionField, problems: Problem[]): void {
  if (!/^3\.[0-9]+(\.[0-9]+)?$/.test(v.value)) {
    problems.push({ ...v.loc, message: `must be a Python 3 version such as "3.12" or "3.12.4", not ${JSON.stringify(v.value)}` });
  }
}

export function checkCudaVersion(v: VersionField, problems: Problem[]): void {
  const m = /^([0-9]+)\.([0-9]+)(\.[0-9]+)?$/.exec(v.value);
  if (m === null) problems.push({ ...v.loc, message: `must include major and minor versions (e.g. "11.8"), not ${JSON.stringify(v.value)}` });
  else if (Number(m[1]) < 11) problems.push({ ...v.loc, message: `minimum supported CUDA version is 11, not ${v.value}` });
}

export function checkCudnnVersion(v: VersionField, problems: Problem[]): void {
  if (!/^[0-9]+(\.[0-9]+)*$/.test(v.value)) problems.push({ ...v.loc, message: `must be a cuDNN version such as "8" or "9", not ${JSON.stringify(v.value)}` });
}

/** sdk_version: "prerelease", or a version whose MAJOR.MINOR.PATCH is at least 0.16.0. */
export function checkSdkVersion(v: VersionField, problems: Problem[]): void {
  if (v.value === "prerelease") return;
  const m = /^([0-9]+)\.([0-9]+)\.([0-9]+)(?:[-.+]?[A-Za-z0-9.]*)?$/.exec(v.value);
  if (m === null) {
    problems.push({ ...v.loc, message: `must be a version such as "0.16.8" or "prerelease", not ${JSON.stringify(v.value)}` });
    return;
  }
  const parts = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) {
    const a = parts[i] ?? 0;
    const b = MINIMUM_SDK_VERSION[i] ?? 0;
    if (a > b) return;
    if (a < b) {
      problems.push({ ...v.loc, message: `cog SDK ${v.value} is below the minimum supported version ${MINIMUM_SDK_VERSION.join(".")}` });
      return;
    }
  }
}
