import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { isTable, readToml, type TomlTable } from "../toml.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../../lib/python/tests/fixtures");

describe("readToml", () => {
  it("reads tables, arrays of tables and sub-tables of the last array element; dates are not tables", () => {
    const doc = readToml(
      [
        "version = 1",
        'requires-python = ">=3.12"',
        "d = 2024-01-01T10:00:00Z",
        "",
        "[[package]]",
        'name = "a"',
        "[package.metadata]",
        'requires-dist = [{ name = "b", specifier = ">=1" }]',
        "",
        "[[package]]",
        'name = "b"',
      ].join("\n"),
    );
    expect(doc["version"]).toBe(1);
    const pkgs = doc["package"] as TomlTable[];
    expect(pkgs.map((p) => p["name"])).toEqual(["a", "b"]);
    expect((pkgs[0]!["metadata"] as TomlTable)["requires-dist"]).toEqual([{ name: "b", specifier: ">=1" }]);
    expect(isTable(pkgs[0])).toBe(true);
    expect(isTable(doc["d"])).toBe(false);
    expect(isTable(doc["package"])).toBe(false);
  });

  it.each([
    ["a = 1\na = 2", 2],
    ["[t]\n[t]", 2],
    ['x = "open', 1],
    ["x = [1, 2", 1],
    ["ok = 1\nx = 1 y", 2],
  ])("reports %j as a CognixError at its file and line", (src, line) => {
    let err: unknown;
    try {
      readToml(src, "bad.toml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CognixError);
    const p = (err as CognixError).problems[0]!;
    expect(p).toMatchObject({ file: "bad.toml", line });
    expect(p.column).toBeGreaterThan(0);
    expect(p.message).toMatch(/^not valid TOML: \S/);
    expect(p.message).not.toContain("\n");
  });

  it.each(readdirSync(FIXTURES).filter((d) => !d.endsWith(".md")))("reads the real uv.lock of %s completely", (fixture) => {
    const text = readFileSync(join(FIXTURES, fixture, "uv.lock"), "utf8");
    const doc = readToml(text);
    const pkgs = (doc["package"] as TomlTable[]).filter(isTable);
    expect(pkgs).toHaveLength(text.match(/^\[\[package\]\]$/gm)!.length);
    // Every hash written in the file is found on some wheel or sdist, verbatim.
    const hashes = [...text.matchAll(/hash = "(sha256:[0-9a-f]{64})"/g)].map((m) => m[1]);
    const parsed = pkgs.flatMap((p) => [
      ...((p["wheels"] ?? []) as TomlTable[]).map((w) => w["hash"]),
      ...(isTable(p["sdist"]) ? [p["sdist"]["hash"]] : []),
    ]);
    expect([...parsed].sort()).toEqual([...hashes].sort());
    expect(doc["requires-python"]).toBe(/^requires-python = "(.*)"$/m.exec(text)![1]);
  });
});
