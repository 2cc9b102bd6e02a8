import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CognixError } from "../util/errors.ts";

vi.mock("../generate/command.ts", () => ({
  runGenerate: (argv: readonly string[]): number => {
    if (argv[0] === "user") throw new CognixError({ file: "cog.yaml", line: 2, column: 3, path: ["build"], message: "bad" });
    throw new Error("boom");
  },
}));

const { main } = await import("../cli.ts");

function sink(): { stream: Writable; text: () => string } {
  let out = "";
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => out };
}

describe("cli main", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("turns an unexpected error into exit 70 with one line and no stack", async () => {
    vi.stubEnv("COGNIX_DEBUG", "");
    const err = sink();
    const out = sink();
    expect(await main(["generate", "x"], { stdout: out.stream, stderr: err.stream })).toBe(70);
    expect(err.text()).toBe("internal error: boom\n");
  });

  it("prints the stack of an internal error only with COGNIX_DEBUG=1", async () => {
    vi.stubEnv("COGNIX_DEBUG", "1");
    const err = sink();
    expect(await main(["generate", "x"], { stdout: sink().stream, stderr: err.stream })).toBe(70);
    expect(err.text()).toMatch(/^internal error: boom\nError: boom\n\s+at /);
  });

  it("prints a CognixError as located lines with its exit code, never a stack", async () => {
    vi.stubEnv("COGNIX_DEBUG", "1");
    const err = sink();
    expect(await main(["generate", "user"], { stdout: sink().stream, stderr: err.stream })).toBe(1);
    expect(err.text()).toBe("cog.yaml:2:3: build: bad\n");
  });

  it("calls an unknown leading option an option, not a command (exit 2)", async () => {
    const err = sink();
    expect(await main(["--bogus"], { stdout: sink().stream, stderr: err.stream })).toBe(2);
    expect(err.text()).toMatch(/^unknown option --bogus\n\nUsage: cognix /);
    const cmd = sink();
    expect(await main(["bogus"], { stdout: sink().stream, stderr: cmd.stream })).toBe(2);
    expect(cmd.text()).toMatch(/^unknown command "bogus"\n/);
  });
});
