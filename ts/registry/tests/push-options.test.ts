// The push options, declared once: read by the image tool's push and by
// `cognix push`, which passes them on in the same spelling.
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../cli/parse.ts";
import type { CommandSpec } from "../../cli/spec.ts";
import { PUSH_OPTIONS, pushArgs, pushToolArgs } from "../push-options.ts";

const push: CommandSpec = { name: "push", summary: "", options: PUSH_OPTIONS, positionals: [{ name: "REF", required: true }] };
const read = (argv: string[]): ReturnType<typeof pushArgs> => pushArgs(parseArgs(push, argv));

describe("push options", () => {
  it("reads every option, the old --authfile spelling too", () => {
    expect(read(["localhost:5000/m:t", "--insecure", "-j", "8", "--compression", "zstd", "--cache-dir", "/c", "--authfile", "/a.json", "--timeout", "90"])).toEqual({
      insecure: true,
      jobs: 8,
      compression: "zstd",
      cacheDir: "/c",
      authFile: "/a.json",
      timeoutSeconds: 90,
    });
    expect(read(["r8.im/u/m"])).toEqual({ insecure: false });
  });

  it("writes them back as the image tool reads them", () => {
    const p = read(["r", "-j", "2", "--auth-file", "a.json", "--timeout", "5"]);
    expect(pushToolArgs(p, true)).toEqual(["--jobs", "2", "--timeout", "5", "--auth-file", "a.json", "--json"]);
    expect(read(pushToolArgs(p, false).concat(["r"]))).toEqual(p);
  });

  it.each([
    [["a", "b"], 'unexpected argument "b"'],
    [[], "missing REF"],
    [["r", "--jobs", "0"], '--jobs must be a whole number from 1 to 64, not "0"'],
    [["r", "--compression", "lz4"], '--compression must be gzip or zstd, not "lz4"'],
    [["r", "--timeout", "0"], '--timeout must be a whole number from 1 to 86400, not "0"'],
    [["r", "--frobnicate"], "unknown option --frobnicate"],
  ])("refuses %j as a usage error", (argv, why) => {
    let err: unknown;
    try {
      read(argv);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toBe(why);
    expect((err as { exitCode?: number }).exitCode).toBe(2);
  });
});
