import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateAgainst } from "../../schema/validators.ts";
import { FIXTURES, PROBLEM_LINE, copyFixture, runCli, type CliResult } from "./helpers.ts";

const REAL = join(FIXTURES, "real");
const names = readdirSync(REAL, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const outcomes = new Map<string, string>();

describe("cognix generate over real-world cog.yaml files", () => {
  it("has a few dozen fixtures, each recorded in SOURCES.md", () => {
    expect(names.length).toBeGreaterThanOrEqual(24);
    const sources = readFileSync(join(REAL, "SOURCES.md"), "utf8");
    for (const n of names) expect(sources).toMatch(new RegExp(`^\\| ${n} \\| https://github\\.com/\\S+ \\| [0-9a-f]{40} \\|`, "m"));
  });

  it.each(names)("%s: a valid cognix.json or precise errors, never a crash", async (name) => {
    const f = copyFixture(`real/${name}`);
    let r: CliResult;
    try {
      r = await runCli(["generate", "."], { cwd: f.dir });
      expect(r.stderr).not.toMatch(/internal error|\n\s+at \S+ \(/);
      expect([0, 1]).toContain(r.code);
      const out = join(f.dir, "cognix.json");
      if (r.code === 0) {
        expect(validateAgainst("cognix", JSON.parse(readFileSync(out, "utf8")))).toEqual([]);
        outcomes.set(name, "ok");
      } else {
        expect(existsSync(out)).toBe(false);
        const errors = r.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("warning: ")).map((l) => l.replace(/^error: /, ""));
        expect(errors.length).toBeGreaterThan(0);
        for (const l of errors) expect(l).toMatch(PROBLEM_LINE);
        // Snapshot the location and the start of each message: enough to spot a regression.
        outcomes.set(name, errors.map((l) => (l.length > 120 ? `${l.slice(0, 120)}…` : l)).join("\n    "));
      }
    } finally {
      f.cleanup();
    }
  });

  // Runs after the cases above (tests in a file run in order).
  it("which fixtures fail, and where, matches the recorded snapshot", async (ctx) => {
    if (outcomes.size !== names.length) {
      console.warn("real-world snapshot skipped: not every fixture ran in this run");
      ctx.skip();
    }
    const summary = names.map((n) => `${n}: ${outcomes.get(n)}`).join("\n");
    await expect(`${summary}\n`).toMatchFileSnapshot("__snapshots__/real-world-outcomes.txt");
  });
});
