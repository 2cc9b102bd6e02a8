// The cognix program: every command listed with what differs from Cog,
// --version, and the usage errors of the command line itself.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capture } from "../cli/tests/capture.ts";
import { main } from "../cli.ts";
import { COMMANDS } from "../commands/index.ts";
import { repo } from "../testkit/offline.ts";

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture(repo);
  const code = await main(argv, c.ctx);
  return { code, out: c.out(), err: c.err() };
}

describe("cognix", () => {
  it("--help lists every command, Cog's names for them and what differs from Cog", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`\\n  ${c.name}\\b`));
    expect(r.out).toContain("run [IMAGE]");
    expect(r.out).toContain("(also: predict)");
    const compared = r.out.slice(r.out.indexOf("Compared with Cog"));
    expect(compared).toMatch(/\n  build +cog build: The image is \.\/result/);
    expect(compared).toMatch(/\n  generate +not in Cog: /);
    expect(r.err).toBe("");
  });

  it("prints the package's version", async () => {
    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string };
    expect(await run(["--version"])).toEqual({ code: 0, out: `${pkg.version}\n`, err: "" });
  });

  it("calls an unknown leading option an option and an unknown word a command (exit 2)", async () => {
    const opt = await run(["--bogus"]);
    expect([opt.code, opt.err]).toEqual([2, expect.stringMatching(/^error: unknown option --bogus\n\nUsage: cognix <command>/)]);
    const cmd = await run(["buidl"]);
    expect([cmd.code, cmd.err]).toEqual([2, expect.stringMatching(/^error: unknown command "buidl" \(did you mean build\?\)\n/)]);
    const none = await run([]);
    expect([none.code, none.out]).toEqual([2, ""]);
    expect(none.err).toMatch(/^Usage: cognix <command>/);
  });

  it("answers help COMMAND like COMMAND --help", async () => {
    const a = await run(["help", "push"]);
    const b = await run(["push", "--help"]);
    expect(a).toEqual(b);
    expect(a.out).toMatch(/^Usage: cognix push \[IMAGE\] \[options\]/);
  });
});
