import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/**
 * A CPython of the given minor version on this machine, for `uv lock`: uv
 * wants an interpreter that satisfies requires-python and otherwise downloads
 * one (from GitHub). Looks on PATH (`python3.X`), then in pyenv's versions
 * (which uv does not search), newest patch first. Null when there is none.
 */
export function findHostPython(minor: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const name = `python${minor}`;
  for (const dir of (env["PATH"] ?? "").split(delimiter)) {
    // pyenv's shims dispatch on the pyenv configuration, not on the name.
    if (dir === "" || dir.includes(`${join(".pyenv", "shims")}`)) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  const versions = join(env["PYENV_ROOT"] ?? join(env["HOME"] ?? homedir(), ".pyenv"), "versions");
  let entries: string[];
  try {
    entries = readdirSync(versions);
  } catch {
    return null;
  }
  const patch = (v: string): number => Number(v.split(".")[2] ?? "0");
  const matching = entries.filter((v) => new RegExp(`^${minor.replace(".", "\\.")}\\.\\d+$`).test(v)).sort((a, b) => patch(b) - patch(a));
  for (const v of matching) {
    const candidate = join(versions, v, "bin", name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}
