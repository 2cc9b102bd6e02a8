import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CognixConfig } from "../types/cognix.ts";
import { CognixError } from "../util/errors.ts";
import { readJsonFile } from "../util/json-input.ts";
import { lockInputs, lockInputsSha256 } from "../pyproject/lock-inputs.ts";
import { readPyprojectRequirements } from "./pyproject-read.ts";
import { describeLocked, readUvLock, type LockedRequirement } from "./uv-lock.ts";

export type LockChange =
  | { kind: "added"; name: string; pyproject: string }
  | { kind: "removed"; name: string; lock: string }
  | { kind: "changed"; name: string; pyproject: string; lock: string }
  | { kind: "requires-python"; pyproject: string | null; lock: string | null }
  | { kind: "pyproject-outdated"; file: string };

export interface LockStatus {
  fresh: boolean;
  lockFile: string;
  pyprojectFile: string;
  changes: LockChange[];
}

/** ">=3.10,<3.11" and "==3.10.*" say the same thing; uv writes the latter. */
export function normalizeRequiresPython(spec: string | null): string | null {
  if (spec === null) return null;
  const clauses = spec.split(",").map((c) => c.replace(/\s+/g, "")).filter((c) => c !== "").sort();
  if (clauses.length === 2) {
    const lo = /^>=(\d+)\.(\d+)(?:\.0)?$/.exec(clauses.find((c) => c.startsWith(">=")) ?? "");
    const hi = /^<(\d+)\.(\d+)(?:\.0)?$/.exec(clauses.find((c) => c.startsWith("<") && !c.startsWith("<=")) ?? "");
    if (lo && hi && lo[1] === hi[1] && Number(hi[2]) === Number(lo[2]) + 1) return `==${lo[1]}.${lo[2]}.*`;
  }
  return clauses.join(",");
}

function groupByName(reqs: readonly LockedRequirement[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of reqs) {
    const list = out.get(r.requirement.name) ?? [];
    list.push(describeLocked(r));
    out.set(r.requirement.name, list);
  }
  for (const list of out.values()) list.sort();
  return out;
}

/**
 * Compares the requirements uv recorded in `<dir>/uv.lock` with those of
 * `<dir>/pyproject.toml`, naming each one added, removed or changed since the
 * lock was made. When `<dir>/cognix.json` exists, a pyproject.toml written
 * from an older cognix.json is reported too.
 */
export function checkLockFresh(dir: string): LockStatus {
  const pyprojectFile = join(dir, "pyproject.toml");
  const lockFile = join(dir, "uv.lock");
  const project = readPyprojectRequirements(pyprojectFile);
  const lock = readUvLock(lockFile, project.name ?? undefined);
  const changes: LockChange[] = [];

  const cognixFile = join(dir, "cognix.json");
  if (project.inputsSha256 !== null && existsSync(cognixFile)) {
    const cognix = readJsonFile(cognixFile) as CognixConfig;
    if (lockInputsSha256(lockInputs(cognix)) !== project.inputsSha256) changes.push({ kind: "pyproject-outdated", file: pyprojectFile });
  }

  const pyReq = normalizeRequiresPython(project.requiresPython);
  const lockReq = normalizeRequiresPython(lock.requiresPython);
  if (pyReq !== lockReq) changes.push({ kind: "requires-python", pyproject: project.requiresPython, lock: lock.requiresPython });

  if (lock.requiresDist === null) {
    throw new CognixError({ file: lockFile, message: "uv.lock records no requirements for the project ([package.metadata] requires-dist); re-run `cognix lock`" });
  }
  const want = groupByName(project.requirements);
  const have = groupByName(lock.requiresDist);
  for (const name of [...new Set([...want.keys(), ...have.keys()])].sort()) {
    const w = want.get(name);
    const h = have.get(name);
    if (w && !h) changes.push({ kind: "added", name, pyproject: w.join(" | ") });
    else if (!w && h) changes.push({ kind: "removed", name, lock: h.join(" | ") });
    else if (w && h && w.join("\n") !== h.join("\n")) changes.push({ kind: "changed", name, pyproject: w.join(" | "), lock: h.join(" | ") });
  }
  return { fresh: changes.length === 0, lockFile, pyprojectFile, changes };
}

/** One line per change, for people. */
export function describeChange(c: LockChange): string {
  switch (c.kind) {
    case "added":
      return `added: ${c.pyproject} (not in uv.lock)`;
    case "removed":
      return `removed: ${c.lock} (in uv.lock, no longer in pyproject.toml)`;
    case "changed":
      return `changed: ${c.name}: uv.lock has ${c.lock}, pyproject.toml has ${c.pyproject}`;
    case "requires-python":
      return `changed: requires-python: uv.lock has ${c.lock ?? "none"}, pyproject.toml has ${c.pyproject ?? "none"}`;
    case "pyproject-outdated":
      return `${c.file} was written from an older cognix.json; run \`cognix generate\``;
  }
}

