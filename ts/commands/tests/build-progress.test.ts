// cognix build --progress as Cog takes it (auto, tty, plain; quiet too): the
// arguments nix gets, with a stand-in nix that records them, from a
// subdirectory of the model.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultProgress } from "../build-progress.ts";
import { capture, cognix, fakeTool, tempDir } from "./helpers.ts";

const tmp = tempDir("build-progress");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const model = join(tmp, "model");
const sub = join(model, "src", "deep");
mkdirSync(sub, { recursive: true });
writeFileSync(join(model, "cog.yaml"), 'build:\n  python_version: "3.12"\npredict: "predict.py:Predictor"\n');
writeFileSync(join(model, "flake.nix"), "{ outputs = _: { }; }\n");
const log = join(tmp, "nix.log");
// Lists one model; a build records its arguments and links the result.
const bin = join(tmp, "bin");
fakeTool(
  bin,
  "nix",
  `case "$1" in
  eval) echo '["default"]' ;;
  build)
    printf '%s\\n' "$@" > "${log}"
    while [ $# -gt 0 ]; do [ "$1" = --out-link ] && ln -sfn "${tmp}" "$2"; shift; done ;;
  *) exit 3 ;;
esac`,
);

async function build(flags: string[], opts: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; nixArgs: string[]; err: string }> {
  rmSync(log, { force: true });
  const c = capture(sub, { ...process.env, TERM: "xterm", BUILDKIT_PROGRESS: "", PATH: `${bin}:${process.env["PATH"] ?? ""}`, ...opts.env }, opts.tty === true);
  const code = await cognix(["build", "--no-check", ...flags], c.ctx);
  let nixArgs: string[] = [];
  try {
    nixArgs = readFileSync(log, "utf8").trim().split("\n");
  } catch {
    // nix build not reached
  }
  return { code, nixArgs, err: c.err() };
}

const BAR = ["--log-format", "bar"];
const PLAIN = ["--log-format", "raw", "--print-build-logs"];
const logFlags = (args: string[]): string[] => args.slice(1, args.findIndex((a) => a.includes("#packages.")));

describe("cognix build --progress", () => {
  it("tty: nix's progress bar; plain: its build logs line by line; quiet: neither, and no progress line", async () => {
    const tty = await build(["--progress", "tty"], { tty: true });
    expect(tty.code, tty.err).toBe(0);
    expect(tty.nixArgs[0]).toBe("build");
    expect(logFlags(tty.nixArgs)).toEqual(BAR);
    expect(tty.nixArgs).toContain(join(model, "result"));
    expect(tty.err).toContain("building default");
    expect(logFlags((await build(["--progress", "plain"], { tty: true })).nixArgs)).toEqual(PLAIN);
    const quiet = await build(["--progress", "quiet"], { tty: true });
    expect(logFlags(quiet.nixArgs)).toEqual([]);
    expect(quiet.err).not.toContain("building default");
  });

  it("auto: the bar on a terminal, the logs otherwise", async () => {
    expect(logFlags((await build(["--progress", "auto"], { tty: true })).nixArgs)).toEqual(BAR);
    expect(logFlags((await build(["--progress", "auto"], { tty: false })).nixArgs)).toEqual(PLAIN);
  });

  it("defaults as Cog's: $BUILDKIT_PROGRESS, else plain on a dumb terminal, else auto", async () => {
    expect(logFlags((await build([], { tty: true, env: { BUILDKIT_PROGRESS: "plain" } })).nixArgs)).toEqual(PLAIN);
    expect(logFlags((await build([], { tty: true, env: { TERM: "dumb" } })).nixArgs)).toEqual(PLAIN);
    expect(logFlags((await build([], { tty: true })).nixArgs)).toEqual(BAR);
    expect(defaultProgress({ BUILDKIT_PROGRESS: "tty", TERM: "dumb" })).toBe("tty");
    expect(defaultProgress({ BUILDKIT_PROGRESS: "rainbow" })).toBe("auto");
  });

  it("any other mode is a usage error (exit 2) naming the modes, and nothing is built", async () => {
    const bad = await build(["--progress", "fancy"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error: --progress must be auto, tty, plain or quiet, not "fancy"\n+Usage: cognix build /);
    expect(bad.nixArgs).toEqual([]);
  });
});
