// lib/dockerignore.nix against Docker's own .dockerignore semantics (moby's
// patternmatcher and the ignore-file reader, as BuildKit applies them). Each
// row is what `docker build` does with that pattern and path.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { hasNix, inputAvailable, nixEvalExpr } from "../../ts/testkit/nix-eval.ts";

const here = dirname(fileURLToPath(import.meta.url));
const libOk = hasNix() && inputAvailable(join(here, "..", "..", "flake.lock"), "nixpkgs-lib");
if (!libOk) console.warn("lib/tests: skipping .dockerignore table: nix or the flake input nixpkgs-lib is missing");

/** [.dockerignore text, path in the context, excluded by Docker] */
type Row = [string, string, boolean];

const rows: Row[] = [
  // `**` at the start matches any suffix, not only whole segments.
  ["**foo", "foo", true],
  ["**foo", "barfoo", true],
  ["**foo", "a/b/xfoo", true],
  ["**foo", "foo.txt", false],
  ["**foo", "foo/inner", true],
  ["**/foo", "foo", true],
  ["**/foo", "a/foo", true],
  ["**/foo", "afoo", false],
  ["**/.foo", "bar.foo", false],
  ["**/foo/bar", "dir/dir2/foo/bar", true],
  ["**", "anything/at/all", true],
  ["**/", "file", true],
  ["**/**/*.txt", "dir/dir/file.txt", true],
  ["**/**/*.txt2", "dir/dir/file.txt", false],
  ["**/file*.txt", "dir/dir/file.txt", true],
  ["a**/*.txt", "a/dir/dir/file.txt", true],
  ["**/dir2/*", "dir/dir2/file", true],
  // `**` at the end is a prefix.
  ["dir/**", "dir/file", true],
  ["dir/**", "dir", false],
  ["data**", "database", true],
  // Inside brackets `!` is an ordinary character; `^` negates.
  ["[!a]*.txt", "a.txt", true],
  ["[!a]*.txt", "!x.txt", true],
  ["[!a]*.txt", "b.txt", false],
  ["[^a]*.txt", "b.txt", true],
  ["[^a]*.txt", "a.txt", false],
  ["a[b-d]e", "ace", true],
  ["a[b-d]e", "aae", false],
  ["a[^b-d]e", "aze", true],
  ["[\\]a]", "]", true],
  ["[x\\-]", "-", true],
  ["[x\\-]", "z", false],
  ["[[:digit:]]*", "1abc", true],
  ["[[:digit:]]*", "abc", false],
  // A pattern that climbs out of the context matches nothing in it.
  ["../secret", "secret", false],
  ["../../secret", "secret", false],
  ["a/../../secret", "secret", false],
  ["/../secret", "secret", true],
  ["a/../secret", "secret", true],
  ["./secret", "secret", true],
  ["/secret/", "secret/x", true],
  // `*` and `?` stay within a segment; parents match too.
  ["*", "file", true],
  ["*.pyc", "src/a.pyc", false],
  ["a*", "ab/c", true],
  ["a*/b", "abc/b", true],
  ["a*/b", "a/c/b", false],
  ["a/*.txt", "a/dir/file.txt", false],
  ["abc?def", "abcZdef", true],
  ["abc?def", "abcdef", false],
  ["a?b", "a/b", false],
  ["*x", "xxx", true],
  // Regex characters are literal.
  [".*", ".foo", true],
  [".*", "foo", false],
  ["abc.def", "abcZdef", false],
  ["a(b)c/def", "a(b)c/def", true],
  ["a.|)$(}+{bc", "a.|)$(}+{bc", true],
  ["dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true],
  // A backslash escapes the next character.
  ["a\\*b", "a*b", true],
  ["a\\*b", "ab", false],
  ["a\\.b", "axb", false],
  // Comments only where the line starts with `#`; whitespace is trimmed after that check.
  ["# secret", "# secret", false],
  ["  # secret", "# secret", true],
  ["  *.md  ", "README.md", true],
  ["\ufeff*.md", "README.md", true],
  ["*.md\r\n!README.md\r\n", "README.md", false],
  // The last matching pattern wins; an exception names the directory or a path below it.
  ["**\n!util/docker/web", "util/docker/web/foo", false],
  ["**\n!util/docker/web\nutil/docker/web/foo", "util/docker/web/foo", true],
  ["!keep.ckpt\n*.ckpt", "keep.ckpt", true],
  ["*.ckpt\n! keep.ckpt", "keep.ckpt", false],
  ["docs/*\n!docs/README.md", "docs/README.md", false],
];

/** Lines Docker refuses: the build fails, and so must evaluation. */
const invalid: [string, RegExp][] = [
  ["!", /line 1: .*"!"/],
  ["a\n!/", /line 2: /],
  ["[", /line 1: .*"\["/],
  ["a[", /line 1: /],
  ["[^bc", /line 1: /],
  ["[]a]", /line 1: /],
  ["[-x]", /line 1: /],
  ["[x-]", /line 1: /],
  ["[a-b-c]", /line 1: /],
  ["ok\n\nbad\\", /line 3: /],
  // Docker accepts these at parse time and fails the build when it compiles them.
  ["[Local-Only]/", /line 1: /],
];

/**
 * Directories BuildKit still walks into although they are excluded: a `!`
 * pattern names something below them, or any `!` pattern has a wildcard.
 * [.dockerignore text, path, type, kept]
 */
const walked: [string, string, "regular" | "directory", boolean][] = [
  ["data\n!data/keep", "data", "directory", true],
  ["data\n!data/keep", "data/other", "regular", false],
  ["data\n!data/keep", "data/keep", "regular", true],
  ["data\n!other", "data", "directory", false],
  ["data\n!**/keep.txt", "data", "directory", true],
  ["data\n!**/keep.txt", "data/sub/keep.txt", "regular", true],
  ["data\n!**/keep.txt", "data/sub/drop.txt", "regular", false],
];

describe.skipIf(!libOk)("lib/dockerignore.nix matches like Docker", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cognix-dockerignore-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const harness = join(here, "harness.nix");

  function evalCases(cases: unknown, body: string): unknown {
    const file = join(tmp, `cases-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(cases));
    const expr = `let di = (import ${harness} { }).cognix.dockerignore; cases = builtins.fromJSON (builtins.readFile ${file}); in ${body}`;
    const r = nixEvalExpr(expr);
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as unknown;
  }

  it("excludes exactly what Docker excludes", () => {
    const got = evalCases(
      rows.map(([text, path]) => ({ text, path })),
      "map (c: let r = builtins.tryEval (di.excluded (di.parse c.text) c.path); in if r.success then r.value else \"error\") cases",
    ) as (boolean | string)[];
    const mismatches = rows.map(([text, path, want], i) => ({ text, path, want, got: got[i] })).filter((m) => m.got !== m.want);
    expect(mismatches).toEqual([]);
  });

  it("enters excluded directories when Docker does", () => {
    const got = evalCases(
      walked.map(([text, path, type]) => ({ text, path, type })),
      "map (c: di.keep (di.parse c.text) c.path c.type) cases",
    ) as boolean[];
    expect(walked.map((w, i) => [w[0], w[1], got[i]])).toEqual(walked.map((w) => [w[0], w[1], w[3]]));
  });

  it("never reads a .dockerignore that is a FIFO or a device (evaluation would hang)", () => {
    const model = join(tmp, "fifo-model");
    mkdirSync(model);
    expect(spawnSync("mkfifo", [join(model, ".dockerignore")]).status).toBe(0);
    const expr = `let h = import ${harness} { }; in builtins.deepSeq ((import ${join(here, "..", "internal.nix")} { inherit (h) lib; }).source.patternsFor { src = ${model}; }) true`;
    const r = spawnSync("nix", ["eval", "--offline", "--impure", "--json", "--expr", expr], {
      encoding: "utf8",
      timeout: 30_000,
      env: { ...process.env, NIX_CONFIG: `experimental-features = nix-command flakes\n${process.env.NIX_CONFIG ?? ""}` },
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\.dockerignore is not a regular file/);
  });

  it("refuses the patterns Docker refuses, naming the line and pattern", () => {
    const thrown = evalCases(
      invalid.map(([text]) => ({ text })),
      "map (c: !(builtins.tryEval (builtins.deepSeq (di.parse c.text) true)).success) cases",
    ) as boolean[];
    expect(invalid.map(([text], i) => [text, thrown[i]])).toEqual(invalid.map(([text]) => [text, true]));
    for (const [text, message] of invalid) {
      const file = join(tmp, "one.txt");
      writeFileSync(file, text);
      const r = nixEvalExpr(`builtins.deepSeq ((import ${harness} { }).cognix.dockerignore.parse (builtins.readFile ${file})) true`);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/\.dockerignore line \d+/);
      expect(r.stderr).toMatch(message);
    }
  });
});
