// The static imports between the TypeScript files under a directory, read
// from their import and export statements (type-only ones too: they tie the
// files together as much for a reader), and the cycles in that graph.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** File (relative to the root, `/`-separated) → the files it imports. */
export type ImportGraph = Map<string, string[]>;

/** `import … from "x"`, `import "x"`, `export … from "x"`, at the start of a line. */
const STATEMENT = /^[ \t]*(?:import|export)\b(?:[^;'"`]*?\bfrom)?\s*["']([^"']+)["']/gm;

function tsFiles(dir: string, skip: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path, skip));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

const posix = (p: string): string => p.split(sep).join("/");

/** What `file`'s statements matching `pattern` import: relative specifiers that name a file (absolute paths), and the rest. */
function importsOf(file: string, pattern: RegExp): { files: string[]; packages: string[] } {
  const files: string[] = [];
  const packages: string[] = [];
  for (const m of readFileSync(file, "utf8").matchAll(pattern)) {
    const spec = m[1]!;
    if (!spec.startsWith(".")) packages.push(spec);
    else if (existsSync(resolve(dirname(file), spec))) files.push(resolve(dirname(file), spec));
  }
  return { files, packages };
}

/** Imports of relative specifiers that name a file; packages and built-ins are left out. */
export function importGraph(root: string, skip: (name: string) => boolean): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of tsFiles(root, skip)) {
    const targets = importsOf(file, STATEMENT).files.map((t) => posix(relative(root, t)));
    graph.set(posix(relative(root, file)), [...new Set(targets)]);
  }
  return graph;
}

/** The graph with each file replaced by `group(file)`; edges inside one group are dropped. */
export function groupGraph(graph: ImportGraph, group: (file: string) => string | null): ImportGraph {
  const out: ImportGraph = new Map();
  for (const [file, targets] of graph) {
    const from = group(file);
    if (from === null) continue;
    const list = out.get(from) ?? [];
    for (const t of targets) {
      const to = group(t);
      if (to !== null && to !== from && !list.includes(to)) list.push(to);
    }
    out.set(from, list);
  }
  return out;
}

/** Strongly connected components with more than one node (or a self-import), each sorted, sorted by first node. */
export function cycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** One import of each step of a cycle, for a message that says where to cut it. */
export function describeCycle(graph: ImportGraph, members: readonly string[], group: (file: string) => string | null = (f) => f): string[] {
  const lines: string[] = [];
  for (const [file, targets] of graph) {
    const from = group(file);
    if (from === null || !members.includes(from)) continue;
    for (const t of targets) {
      const to = group(t);
      if (to !== null && to !== from && members.includes(to)) lines.push(`${file} -> ${t}`);
    }
  }
  return lines.sort();
}

/** Statements that load a module when run: type-only imports and exports are erased by the compiler. */
const RUNTIME_STATEMENT = /^[ \t]*(?:import|export)\s+(?!type\b)(?:[^;'"`]*?\bfrom)?\s*["']([^"']+)["']/gm;

/**
 * What loading `entry` (relative to `root`) loads before any of its code
 * runs: the files reached through static, non-type imports, and the packages
 * and built-ins (`node:…`) those files import. Dynamic `import()` is left
 * out: that is how a command defers what only its run needs.
 */
export function loadedAtStart(root: string, entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const stack = [resolve(root, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const imports = importsOf(file, RUNTIME_STATEMENT);
    imports.packages.forEach((p) => packages.add(p));
    stack.push(...imports.files);
  }
  return { files: [...files].map((f) => posix(relative(root, f))).sort(), packages: [...packages].sort() };
}
