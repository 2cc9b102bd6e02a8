// No import cycles in ts/, between files or between the top-level parts
// (ts/lock, ts/pyproject, ts/generate, ...), apart from the ones listed below,
// which are known and wait to be cut. Test code may reach into any part, so
// `tests` folders count for the file check only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cycles, describeCycle, groupGraph, importGraph } from "./import-graph.ts";

const TS = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Fixtures are data (some are models' own code), not cognix's modules. */
const skip = (name: string): boolean => name === "node_modules" || name === "fixtures";

/** ts/<part>/… → "<part>"; files directly in ts/ are "."; test code → null. */
function part(file: string): string | null {
  const segments = file.split("/");
  if (segments.includes("tests")) return null;
  return segments.length === 1 ? "." : segments[0]!;
}

/** Cycles that exist today; a new one, or a change to one, fails the test. */
const KNOWN_FILE_CYCLES: readonly (readonly string[])[] = [];
const KNOWN_PART_CYCLES: readonly (readonly string[])[] = [];

/** The cycles not listed as known; and the known ones must all still be there, so a cut one cannot come back unnoticed. */
function unexpected(found: readonly string[][], known: readonly (readonly string[])[]): string[][] {
  expect(known.filter((k) => !found.some((c) => c.join() === k.join())), "known cycles that are gone: remove them from the list").toEqual([]);
  return found.filter((c) => !known.some((k) => k.join() === c.join()));
}

describe("import cycles in ts/", () => {
  const graph = importGraph(TS, skip);

  it("reads the imports of every file (a sanity check of the reader)", () => {
    expect(graph.size).toBeGreaterThan(300);
    expect(graph.get("generate/generate.ts")).toEqual(expect.arrayContaining(["generate/resolve/index.ts", "util/errors.ts"]));
    expect(graph.get("lock/uv-lock.ts")).toEqual(expect.arrayContaining(["python/pep508.ts", "python/toml.ts"]));
  });

  it("no file imports itself through others, but the known ones", () => {
    expect(unexpected(cycles(graph), KNOWN_FILE_CYCLES).map((c) => describeCycle(graph, c))).toEqual([]);
  });

  it("no part of ts/ imports another that imports it back, but the known ones", () => {
    const found = cycles(groupGraph(graph, part));
    expect(unexpected(found, KNOWN_PART_CYCLES).map((c) => describeCycle(graph, c, part))).toEqual([]);
  });
});

describe("the cycle finder", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cognix-imports-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const write = (file: string, text: string): void => {
    mkdirSync(dirname(join(tmp, file)), { recursive: true });
    writeFileSync(join(tmp, file), text);
  };

  it("finds a file cycle through a type-only import and a multi-line re-export, and the part cycle it makes", () => {
    write("a/one.ts", 'import type { T } from "../b/two.ts";\nexport const x: T = 1;\n');
    write("b/two.ts", 'export {\n  y,\n} from "./three.ts";\nexport type T = number;\n');
    write("b/three.ts", 'import { x } from "../a/one.ts";\nexport const y = x;\nconst s = `\nimport { z } from "./missing.ts";\n`;\n');
    write("c/four.ts", 'import { readFileSync } from "node:fs";\nimport "../a/one.ts";\n');
    const g = importGraph(tmp, skip);
    expect(g.get("c/four.ts")).toEqual(["a/one.ts"]);
    expect(cycles(g)).toEqual([["a/one.ts", "b/three.ts", "b/two.ts"]]);
    expect(describeCycle(g, ["a/one.ts", "b/three.ts", "b/two.ts"])).toEqual(["a/one.ts -> b/two.ts", "b/three.ts -> a/one.ts", "b/two.ts -> b/three.ts"]);
    expect(cycles(groupGraph(g, part))).toEqual([["a", "b"]]);
  });

  it("finds none in an acyclic tree", () => {
    const g = importGraph(join(tmp, "c"), skip);
    expect(cycles(g)).toEqual([]);
  });
});
