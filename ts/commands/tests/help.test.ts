// Every command: --help on stdout with exit 0, unknown options exit 2 with the usage.
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../index.ts";
import { capture, tempDir } from "./helpers.ts";

const dir = tempDir("help");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(Object.entries(COMMANDS))("cognix %s", (name, { run }) => {
  it("--help prints the usage and every option on stdout", async () => {
    const c = capture(dir);
    expect(await run(["--help"], c.ctx)).toBe(0);
    expect(c.out()).toMatch(new RegExp(`^Usage: cognix ${name}\\b`));
    expect(c.out()).toContain("-h, --help");
    expect(c.err()).toBe("");
  });

  it("an unknown option is a usage error (exit 2)", async () => {
    const c = capture(dir);
    expect(await run(["--no-such-option"], c.ctx)).toBe(2);
    expect(c.err()).toContain("--no-such-option");
    expect(c.err()).toContain(`Usage: cognix ${name}`);
    expect(c.err()).toMatch(/^error: unknown option --no-such-option\n/);
  });
});
