// The one argument parser: every form it reads and every usage error it gives.
import { describe, expect, it } from "vitest";
import { parseArgs, wantsHelp } from "../parse.ts";
import type { CommandSpec } from "../spec.ts";
import { UsageError } from "../usage-error.ts";

const spec: CommandSpec = {
  name: "demo",
  summary: "a demo",
  options: [
    { name: "input", short: "i", kind: "list", value: "NAME=VALUE", help: "an input" },
    { name: "out", short: "o", kind: "string", value: "FILE", help: "where" },
    { name: "json", kind: "boolean", help: "json" },
    { name: "setup-timeout", kind: "string", value: "S", help: "seconds", aliases: ["timeout"] },
  ],
  positionals: [{ name: "IMAGE" }],
};

function usageMessage(argv: string[], s: CommandSpec = spec): string {
  try {
    parseArgs(s, argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error(`parsed ${JSON.stringify(argv)}`);
}

describe("parseArgs", () => {
  it("reads long, short, joined and repeated options and positionals in any order", () => {
    const a = parseArgs(spec, ["-i", "a=1", "img", "--input=b=2", "-ic=3", "--out", "x.png", "--json", "--timeout", "9"]);
    expect(a.list("input")).toEqual(["a=1", "b=2", "c=3"]);
    expect(a.string("out")).toBe("x.png");
    expect(a.flag("json")).toBe(true);
    expect(a.string("setup-timeout")).toBe("9");
    expect(a.positional(0)).toBe("img");
    expect(a.has("out")).toBe(true);
  });

  it("leaves what is not given unset", () => {
    const a = parseArgs(spec, []);
    expect([a.flag("json"), a.string("out"), a.list("input"), a.positional(0), a.has("out")]).toEqual([false, undefined, [], undefined, false]);
  });

  it("passes what follows -- on when the command does, else takes it as positionals", () => {
    const passing: CommandSpec = { ...spec, passThrough: "NIX_ARGS" };
    const a = parseArgs(passing, ["img", "--", "--offline", "-L"]);
    expect([a.positionals, a.rest]).toEqual([["img"], ["--offline", "-L"]]);
    expect(parseArgs(spec, ["--", "-weird-name"]).positionals).toEqual(["-weird-name"]);
  });

  it("reads a lone - as a positional and a value starting with one dash as a value", () => {
    expect(parseArgs(spec, ["-"]).positionals).toEqual(["-"]);
    expect(parseArgs(spec, ["-o", "-x"]).string("out")).toBe("-x");
  });

  it("names each usage error", () => {
    expect(usageMessage(["--bogus"])).toBe("unknown option --bogus");
    expect(usageMessage(["--jsno"])).toBe("unknown option --jsno (did you mean --json?)");
    expect(usageMessage(["-z"])).toBe("unknown option -z");
    expect(usageMessage(["--json=yes"])).toBe("--json takes no value");
    expect(usageMessage(["--out"])).toBe("--out needs a value (FILE)");
    expect(usageMessage(["-o", "a", "-o", "b"])).toBe("-o given twice");
    expect(usageMessage(["--out", "--json"])).toBe("--out needs a value (FILE), not the option --json (write --out=--json if that is the value)");
    expect(usageMessage(["a", "b"])).toBe('unexpected argument "b"');
    expect(usageMessage(["x"], { name: "none", summary: "", options: [] })).toBe('unexpected argument "x": cognix none takes none');
    expect(usageMessage([], { name: "need", summary: "", positionals: [{ name: "REF", required: true }] })).toBe("missing REF");
  });

  it("checks typed values, naming the option", () => {
    const a = parseArgs(spec, ["--setup-timeout", "soon", "--out", "x"]);
    expect(() => a.integer("setup-timeout", { min: 1 })).toThrow('--setup-timeout must be a whole number of at least 1, not "soon"');
    expect(() => a.choice("out", ["plain", "tty"])).toThrow('--out must be plain or tty, not "x"');
    expect(parseArgs(spec, ["--timeout", "30"]).integer("setup-timeout", { min: 1, max: 60 })).toBe(30);
    expect(() => parseArgs(spec, ["--timeout", "61"]).integer("setup-timeout", { min: 1, max: 60 })).toThrow("from 1 to 60");
  });

  it("names a required option that is missing", () => {
    expect(parseArgs(spec, ["-o", "x"]).required("out")).toBe("x");
    expect(() => parseArgs(spec, []).required("out")).toThrow(new UsageError("--out is required"));
  });

  it("treats reading an undeclared option as a bug in the command", () => {
    expect(() => parseArgs(spec, []).flag("nope")).toThrow(/does not declare/);
    expect(() => parseArgs(spec, []).flag("out")).toThrow(/declared string/);
  });

  it("sees -h/--help before --, and only there", () => {
    expect(wantsHelp(["x", "--help"])).toBe(true);
    expect(wantsHelp(["-h"])).toBe(true);
    expect(wantsHelp(["--", "--help"])).toBe(false);
  });
});
