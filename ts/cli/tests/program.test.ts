// runProgram: dispatch by name and alias, help, usage errors (2), user
// errors (1), internal errors (70) and JSON errors, for commands and groups.
import { afterEach, describe, expect, it, vi } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { runProgram } from "../program.ts";
import type { CommandSpec, Program } from "../spec.ts";
import { capture } from "./capture.ts";

const echo: CommandSpec = {
  name: "run",
  aliases: ["predict"],
  summary: "print the input",
  options: [
    { name: "input", short: "i", kind: "list", value: "NAME=VALUE", help: "an input", cog: true },
    { name: "print-json", kind: "boolean", help: "print JSON" },
  ],
  positionals: [{ name: "IMAGE" }],
  jsonOption: "print-json",
  cog: { command: "cog run", differs: "IMAGE may be oci:DIR.", without: { "--use-replicate-token": "no Replicate context" } },
  async run(args, ctx) {
    const input = args.list("input");
    if (input.includes("user")) throw new CognixError({ file: "cog.yaml", line: 2, column: 3, path: ["build"], message: "bad" });
    if (input.includes("bug")) throw new Error("boom");
    ctx.stdout.write(`${args.positional(0) ?? "-"} ${input.join(",")}\n`);
    return 0;
  },
};

const group: CommandSpec = {
  name: "image",
  summary: "low level",
  subcommands: [{ name: "inspect", summary: "show", options: [{ name: "spec", kind: "string", value: "FILE", help: "the spec" }], async run(args, ctx) { ctx.stdout.write(`${args.string("spec")}\n`); return 0; } }],
};

const program: Program = { name: "demo", summary: "A demo program.", commands: [echo, group], version: () => "1.2.3" };

async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const c = capture("/", { env });
  const code = await runProgram(program, argv, c.ctx);
  return { code, out: c.out(), err: c.err() };
}

describe("runProgram", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("runs a command by its name or an alias", async () => {
    expect(await run(["run", "img", "-i", "a=1"])).toEqual({ code: 0, out: "img a=1\n", err: "" });
    expect((await run(["predict", "-i", "b=2"])).out).toBe("- b=2\n");
  });

  it("prints a user error as located lines with its exit code, never a stack", async () => {
    const r = await run(["run", "-i", "user"], { COGNIX_DEBUG: "1" });
    expect([r.code, r.err, r.out]).toEqual([1, "error: cog.yaml:2:3: build: bad\n", ""]);
  });

  it("turns anything else into an internal error (70), the stack only with COGNIX_DEBUG=1", async () => {
    expect(await run(["run", "-i", "bug"])).toEqual({ code: 70, out: "", err: "internal error: boom\n" });
    expect((await run(["run", "-i", "bug"], { COGNIX_DEBUG: "1" })).err).toMatch(/^internal error: boom\nError: boom\n\s+at /);
  });

  it("reports errors as JSON on stdout too when the command's JSON flag is given", async () => {
    const user = await run(["run", "-i", "user", "--print-json"]);
    expect(user.code).toBe(1);
    expect(JSON.parse(user.out)).toEqual({
      errors: ["cog.yaml:2:3: build: bad"],
      ok: false,
      problems: [{ column: 3, file: "cog.yaml", line: 2, message: "bad", path: ["build"], text: "cog.yaml:2:3: build: bad" }],
    });
    const usage = await run(["run", "--bogus", "--print-json"]);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.out)).toMatchObject({ errors: ["unknown option --bogus"], ok: false });
    const bug = await run(["run", "-i", "bug", "--print-json"]);
    expect(JSON.parse(bug.out)).toEqual({ errors: ["internal error: boom"], ok: false });
  });

  it("follows a usage error with the usage line and where to read more (exit 2)", async () => {
    const r = await run(["run", "a", "b"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: unexpected argument "b"\n\nUsage: demo run [IMAGE] [options]\nRun `demo run --help` for the options.\n');
  });

  it("answers --help from the declaration: usage, aliases, options, Cog's name and what differs", async () => {
    const r = await run(["run", "-i", "x", "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: demo run [IMAGE] [options]\nAlso: demo predict\n\nprint the input\n");
    expect(r.out).toMatch(/\n  -i, --input NAME=VALUE +an input\n/);
    expect(r.out).toMatch(/\n  -h, --help +show this help\n/);
    expect(r.out.replace(/\s+/g, " ")).toContain("Cog: `cog run`. IMAGE may be oci:DIR. Not taken from Cog: --use-replicate-token (no Replicate context).");
    expect(r.err).toBe("");
  });

  it("lists the commands, their aliases and what differs from Cog in the program's help", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: demo <command> \[options\]\n\nA demo program\.\n\nCommands:\n  run \[IMAGE\] +print the input \(also: predict\)\n  image \.\.\. +low level\n/);
    expect(r.out).toContain("Compared with Cog (the same commands and flags unless said here):\n  run  cog run: IMAGE may be oci:DIR.\n");
    expect((await run(["help", "run"])).out).toMatch(/^Usage: demo run /);
    expect((await run(["--version"])).out).toBe("1.2.3\n");
  });

  it("calls an unknown leading word a command and an unknown leading option an option (exit 2)", async () => {
    expect(await run(["rnu"])).toMatchObject({ code: 2, err: expect.stringMatching(/^error: unknown command "rnu" \(did you mean run\?\)\n\nUsage: demo <command>/) });
    expect(await run(["--bogus"])).toMatchObject({ code: 2, err: expect.stringMatching(/^error: unknown option --bogus\n/) });
    const none = await run([]);
    expect([none.code, none.out]).toEqual([2, ""]);
    expect(none.err).toMatch(/^Usage: demo <command>/);
  });

  it("dispatches a group's subcommands with their own help and errors", async () => {
    expect((await run(["image", "inspect", "--spec", "s.json"])).out).toBe("s.json\n");
    expect((await run(["image", "inspect", "--help"])).out).toMatch(/^Usage: demo image inspect \[options\]/);
    expect((await run(["image", "--help"])).out).toMatch(/^Usage: demo image <command> \[options\][\s\S]*\n  inspect +show\n/);
    const bad = await run(["image", "nope"]);
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/^error: unknown command "nope"\n\nUsage: demo image <command>/)]);
    expect((await run(["image", "inspect", "--bogus"])).err).toContain("Usage: demo image inspect [options]");
  });
});
