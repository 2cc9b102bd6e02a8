// Every cognix command: --help on stdout with exit 0 naming every option and
// the command's relation to Cog; unknown options exit 2 with the usage.
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../index.ts";
import { capture, cognix, tempDir } from "./helpers.ts";

const dir = tempDir("help");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(COMMANDS.map((c) => [c.name, c] as const))("cognix %s", (name, spec) => {
  it("--help prints the usage, every option and Cog's counterpart on stdout", async () => {
    const c = capture(dir);
    expect(await cognix([name, "--help"], c.ctx)).toBe(0);
    expect(c.out()).toMatch(new RegExp(`^Usage: cognix ${name}\\b`));
    for (const o of spec.options ?? []) {
      if (o.hidden !== true) expect(c.out()).toContain(`--${o.name}`);
    }
    expect(c.out()).toContain("-h, --help");
    expect(c.out().replace(/\s+/g, " ")).toContain(spec.cog?.command === null ? "Cog has no such command." : `Cog: \`${spec.cog?.command}\``);
    expect(c.err()).toBe("");
  });

  it("an unknown option is a usage error (exit 2) followed by the usage", async () => {
    const c = capture(dir);
    expect(await cognix([name, "--no-such-option"], c.ctx)).toBe(2);
    expect(c.err()).toMatch(new RegExp(`^error: unknown option --no-such-option\\n\\nUsage: cognix ${name}\\b`));
    expect(c.out()).toBe("");
  });

  it.skipIf(spec.aliases === undefined)("answers to its aliases", async () => {
    for (const alias of spec.aliases ?? []) {
      const c = capture(dir);
      expect(await cognix([alias, "--help"], c.ctx)).toBe(0);
      expect(c.out()).toMatch(new RegExp(`^Usage: cognix ${name}\\b`));
    }
  });
});
