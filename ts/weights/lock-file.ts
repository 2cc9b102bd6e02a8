import { existsSync } from "node:fs";
import { CognixError, type Problem } from "../util/errors.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { readJsonFile } from "../util/json-input.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import type { LockedFile, LockedSet, WeightsLock } from "../types/weights-lock.ts";

/** weights.lock.json, as schemas/weights-lock.schema.json describes it. */
export type { LockedFile, LockedSet, WeightsLock };

export const LOCK_FILE_NAME = "weights.lock.json";
const SHA256_RE = /^[0-9a-f]{64}$/;

/**
 * Characters a path segment may have: enough for model repositories, nothing
 * a shell, a store path name or a URL reads specially. The Nix side
 * (lib/weights/sets.nix) and the run-time downloader apply the same rule.
 */
const SAFE_SEGMENT = /^[A-Za-z0-9._+=@,~-]+$/;

/** Why a locked path is unsafe (it could leave the set's directory, or means something to a shell), or null. */
export function unsafePathReason(path: string): string | null {
  if (path === "") return "is empty";
  if (path.startsWith("/")) return "is absolute";
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return "has an empty, '.' or '..' segment";
  if (!segments.every((s) => SAFE_SEGMENT.test(s))) return "has characters other than letters, digits and . _ - + = @ , ~";
  // The run-time downloader keeps its partial downloads and checked-file records there.
  if (segments[0] === ".partial" || segments[0] === ".cognix-verified.json") return `is the run-time downloader's reserved ${segments[0]}`;
  return null;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === "string");
}

/** Checks a parsed lock, collecting every problem with its key path. */
export function validateLock(data: unknown, file: string): WeightsLock {
  const problems: Problem[] = [];
  const bad = (path: (string | number)[], message: string): void => {
    problems.push({ file, path, message });
  };
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new CognixError({ file, message: "must be a JSON object" });
  }
  const obj = data as Record<string, unknown>;
  if (obj.formatVersion !== 1) bad(["formatVersion"], "must be 1");
  const sets = obj.sets;
  if (sets === null || typeof sets !== "object" || Array.isArray(sets)) {
    bad(["sets"], "must be an object");
  } else {
    for (const [name, raw] of Object.entries(sets as Record<string, unknown>)) {
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        bad(["sets", name], "must be an object");
        continue;
      }
      const s = raw as Record<string, unknown>;
      if (typeof s.source !== "string") bad(["sets", name, "source"], "must be a string");
      if (!isStringArray(s.include)) bad(["sets", name, "include"], "must be a list of strings");
      if (!isStringArray(s.exclude)) bad(["sets", name, "exclude"], "must be a list of strings");
      if (!Array.isArray(s.files)) {
        bad(["sets", name, "files"], "must be a list");
        continue;
      }
      const seen = new Set<string>();
      s.files.forEach((f: unknown, i: number) => {
        const at = ["sets", name, "files", i];
        if (f === null || typeof f !== "object") return bad(at, "must be an object");
        const e = f as Record<string, unknown>;
        if (typeof e.path !== "string") bad([...at, "path"], "must be a string");
        else {
          const why = unsafePathReason(e.path);
          if (why) bad([...at, "path"], `${JSON.stringify(e.path)} ${why}`);
          if (seen.has(e.path)) bad([...at, "path"], `duplicate path ${JSON.stringify(e.path)}`);
          seen.add(e.path);
        }
        if (typeof e.size !== "number" || !Number.isSafeInteger(e.size) || e.size < 0) bad([...at, "size"], "must be a non-negative integer");
        if (typeof e.sha256 !== "string" || !SHA256_RE.test(e.sha256)) bad([...at, "sha256"], "must be 64 lowercase hex digits");
        if (!isStringArray(e.urls) || e.urls.length === 0) bad([...at, "urls"], "must be a non-empty list of strings");
        return undefined;
      });
    }
  }
  if (problems.length > 0) throw new CognixError(problems);
  return data as WeightsLock;
}

export function readLock(file: string): WeightsLock {
  return validateLock(readJsonFile(file), file);
}

export function readLockIfExists(file: string): WeightsLock | null {
  return existsSync(file) ? readLock(file) : null;
}

/** Files sorted by path so the lock's bytes depend on content only. */
export function normaliseLock(lock: WeightsLock): WeightsLock {
  const sets: Record<string, LockedSet> = {};
  for (const [name, s] of Object.entries(lock.sets)) {
    sets[name] = { ...s, files: [...s.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
  }
  return { formatVersion: 1, sets };
}

/** Writes the lock canonically; a lock that would not be read back is never written. */
export function writeLock(file: string, lock: WeightsLock): void {
  validateLock(lock, file);
  writeFileAtomic(file, canonicalJson(normaliseLock(lock)));
}
