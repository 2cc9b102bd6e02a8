import { readFileSync } from "node:fs";
import { CognixError } from "../util/errors.ts";
import { normalizeName } from "../python/name.ts";
import { formatRequirement, normalizeExtras, normalizeMarker, type Requirement } from "../python/pep508.ts";
import { parseSpecifiers } from "../python/specifier.ts";
import { isTable, readToml, type TomlTable, type TomlValue } from "../python/toml.ts";
import { UV_LOCK_KEYS } from "./uv-lock-keys.ts";

/** A requirement as recorded, plus the index uv routed it to. */
export interface LockedRequirement {
  requirement: Requirement;
  index: string | null;
}

export interface UvLock {
  file: string;
  requiresPython: string | null;
  /** The project's own entry (source virtual/editable/directory "."), by name. */
  rootName: string;
  /** The root's [package.metadata] requires-dist, or null when uv recorded none. */
  requiresDist: LockedRequirement[] | null;
  packages: { name: string; version: string | null }[];
}

function str(v: TomlValue | undefined): string | null {
  return typeof v === "string" ? v : null;
}

function isRoot(pkg: TomlTable): boolean {
  const src = pkg["source"];
  if (!isTable(src)) return false;
  return UV_LOCK_KEYS.localSource.some((k) => src[k] === ".");
}

/** One `requires-dist` entry ({ name, specifier, marker, extras, a direct reference, index }). */
function lockedRequirement(entry: TomlTable, file: string): LockedRequirement {
  const extras = Array.isArray(entry["extras"]) ? entry["extras"].filter((e): e is string => typeof e === "string") : [];
  const url = UV_LOCK_KEYS.requirementReference.map((k) => str(entry[k])).find((v) => v !== null) ?? null;
  const marker = str(entry["marker"]);
  const name = normalizeName(str(entry["name"]) ?? "");
  const specifiers = url === null ? parseSpecifiers(str(entry["specifier"]) ?? "") : [];
  if (specifiers === null) {
    throw new CognixError({ file, message: `requires-dist entry for ${name}: not a version specifier: ${JSON.stringify(entry["specifier"])}; re-run \`cognix lock\`` });
  }
  return {
    requirement: { name, extras: normalizeExtras(extras), specifiers, url, marker: marker === null ? null : normalizeMarker(marker) },
    index: str(entry["index"]),
  };
}

/** Reads a uv.lock; `projectName` picks the root when several local packages exist. */
export function readUvLock(file: string, projectName?: string): UvLock {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CognixError({ file, message: "uv.lock not found; run `cognix lock` to create it" });
  }
  const doc = readToml(text, file);
  const raw = Array.isArray(doc["package"]) ? doc["package"].filter(isTable) : [];
  const wanted = projectName === undefined ? null : normalizeName(projectName);
  const root =
    raw.find((p) => wanted !== null && normalizeName(str(p["name"]) ?? "") === wanted && isRoot(p)) ??
    raw.find(isRoot);
  if (root === undefined) {
    throw new CognixError({ file, message: "uv.lock has no entry for the project itself (a package with source \".\"); re-run `cognix lock`" });
  }
  const meta = root["metadata"];
  const dist = isTable(meta) && Array.isArray(meta["requires-dist"]) ? meta["requires-dist"].filter(isTable).map((e) => lockedRequirement(e, file)) : null;
  return {
    file,
    requiresPython: str(doc["requires-python"]),
    rootName: normalizeName(str(root["name"]) ?? ""),
    requiresDist: dist,
    packages: raw.map((p) => ({ name: normalizeName(str(p["name"]) ?? ""), version: str(p["version"]) })),
  };
}

export function describeLocked(r: LockedRequirement): string {
  return formatRequirement(r.requirement) + (r.index === null ? "" : ` (index ${r.index})`);
}
