import type { Problem, Location } from "../util/errors.ts";
import { MAX_PYTHON_BYTES, readProjectFile } from "./project-file.ts";

/** `file.py:Name`, as cog.yaml's `run`, `predict` and `train` write it. */
const REF = /^(?<file>[^:]+\.py):(?<name>[A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Names bound at the top level of a Python module: class and (async) def,
 * plain and annotated assignments, and imports. Nested code is indented and so
 * ignored; strings spanning lines are skipped so their contents do not count.
 */
export function topLevelNames(source: string): Set<string> {
  const names = new Set<string>();
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  let inString: string | null = null;
  let parenImport = false;
  for (const line of lines) {
    if (inString !== null) {
      if (line.includes(inString)) inString = null;
      continue;
    }
    if (parenImport) {
      for (const n of importedNames(line.replace(/[()]/g, " "))) names.add(n);
      if (line.includes(")")) parenImport = false;
      continue;
    }
    const triple = /("""|''')/.exec(line);
    if (triple !== null) {
      const q = triple[1] as string;
      const after = line.slice((triple.index ?? 0) + 3);
      if (!after.includes(q)) inString = q;
    }
    let m = /^(?:async\s+def|def|class)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(line);
    if (m) {
      names.add(m[1] as string);
      continue;
    }
    m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]*)?=(?!=)/.exec(line);
    if (m) {
      names.add(m[1] as string);
      continue;
    }
    m = /^from\s+\S+\s+import\s+(.*)$/.exec(line);
    if (m) {
      const rest = (m[1] as string).replace(/#.*$/, "");
      if (rest.includes("(") && !rest.includes(")")) parenImport = true;
      for (const n of importedNames(rest.replace(/[()\\]/g, " "))) names.add(n);
      continue;
    }
    m = /^import\s+(.*)$/.exec(line);
    if (m) {
      for (const part of (m[1] as string).replace(/#.*$/, "").split(",")) {
        const alias = /\bas\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(part);
        const head = part.trim().split(/[.\s]/)[0];
        if (alias) names.add(alias[1] as string);
        else if (head) names.add(head);
      }
    }
  }
  return names;
}

function importedNames(list: string): string[] {
  const out: string[] = [];
  for (const part of list.split(",")) {
    const p = part.trim();
    if (p === "" || p === "*") continue;
    const alias = /^\S+\s+as\s+([A-Za-z_][A-Za-z0-9_]*)$/.exec(p);
    const name = alias ? alias[1] : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : undefined;
    if (name !== undefined) out.push(name);
  }
  return out;
}

/**
 * Checks a `file.py:Name` reference against the project: the file exists
 * inside it and defines Name at top level. Returns the problems found.
 */
export function checkPythonRef(projectRoot: string, ref: string, loc: Location, example: string): Problem[] {
  const m = REF.exec(ref);
  if (m?.groups === undefined) {
    return [{ ...loc, message: `must be in the form '${example}', got ${JSON.stringify(ref)}` }];
  }
  const file = m.groups.file as string;
  const name = m.groups.name as string;
  const read = readProjectFile(projectRoot, file, MAX_PYTHON_BYTES);
  if (!read.ok) return [{ ...loc, message: read.why === "not found" ? `${file} not found in the model directory` : `${file} ${read.why}` }];
  // Python source may declare another encoding; the names looked for are ASCII either way.
  const names = topLevelNames(read.bytes.toString("utf8"));
  if (!names.has(name)) {
    return [{ ...loc, message: `${file} does not define ${name} at top level (expected "class ${name}" or "def ${name}")` }];
  }
  return [];
}
