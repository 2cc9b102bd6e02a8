import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { isTable, parseToml, type TomlTable } from "../toml.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../../lib/python/tests/fixtures");

describe("parseToml", () => {
  it("reads tables, arrays of tables and sub-tables of the last array element", () => {
    const doc = parseToml(
      [
        'version = 1',
        'requires-python = ">=3.12"',
        "",
        "[[package]]",
        'name = "a"',
        "[package.metadata]",
        'requires-dist = [{ name = "b", specifier = ">=1" }]',
        "",
        "[[package]]",
        'name = "b"',
        "[package.optional-dependencies]",
        'x = [ { name = "c" }, ]',
      ].join("\n"),
    );
    expect(doc["version"]).toBe(1);
    const pkgs = doc["package"] as TomlTable[];
    expect(pkgs.map((p) => p["name"])).toEqual(["a", "b"]);
    expect((pkgs[0]!["metadata"] as TomlTable)["requires-dist"]).toEqual([{ name: "b", specifier: ">=1" }]);
    expect((pkgs[1]!["optional-dependencies"] as TomlTable)["x"]).toEqual([{ name: "c" }]);
  });

  it("reads strings of every kind, numbers, booleans, dates, dotted and quoted keys", () => {
    const doc = parseToml(
      [
        "a.b = 'lit\\eral'",
        '"quoted key" = "tab\\there \\u00e9 \\"q\\""',
        'ml = """',
        'one \\',
        '   two"""',
        "lit = '''",
        "raw \\n'''",
        "n = -1_000",
        "f = 2.5e3",
        "t = true # comment",
        "d = 2024-01-01T10:00:00Z",
        "arr = [",
        "  1, # one",
        "  2,",
        "]",
      ].join("\n"),
    );
    expect((doc["a"] as TomlTable)["b"]).toBe("lit\\eral");
    expect(doc["quoted key"]).toBe('tab\there é "q"');
    expect(doc["ml"]).toBe("one two");
    expect(doc["lit"]).toBe("raw \\n");
    expect(doc["n"]).toBe(-1000);
    expect(doc["f"]).toBe(2500);
    expect(doc["t"]).toBe(true);
    expect(doc["d"]).toBe("2024-01-01T10:00:00Z");
    expect(doc["arr"]).toEqual([1, 2]);
  });

  it.each([
    ["a = 1\na = 2", 2, "defined twice"],
    ["[t]\n[t]", 2, "defined twice"],
    ['x = "open', 1, "unterminated string"],
    ["x = [1, 2", 1, "expected , or ]"],
    ["x = 1 y", 1, "expected end of line"],
    ["t = { a = 1 }\n[t]", 2, "defined twice"],
  ])("reports %j at its line", (src, line, msg) => {
    let err: unknown;
    try {
      parseToml(src, "bad.toml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CognixError);
    const p = (err as CognixError).problems[0]!;
    expect(p.file).toBe("bad.toml");
    expect(p.line).toBe(line);
    expect(p.message).toContain(msg);
  });

  it.each(readdirSync(FIXTURES).filter((d) => !d.endsWith(".md")))("reads the real uv.lock of %s completely", (fixture) => {
    const text = readFileSync(join(FIXTURES, fixture, "uv.lock"), "utf8");
    const doc = parseToml(text);
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
