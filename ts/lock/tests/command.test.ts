import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { processContext } from "../../cli/context.ts";
import { runCommandLine } from "../../cli/program.ts";
import { lockCommand } from "../command.ts";

const lock = (argv: string[]): Promise<number> => runCommandLine("cognix", lockCommand, argv, processContext());
import { runUvLock } from "../run-uv.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../../lib/python/tests/fixtures");

let dirs: string[] = [];
const savedUv = process.env["COGNIX_UV"];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  if (savedUv === undefined) delete process.env["COGNIX_UV"];
  else process.env["COGNIX_UV"] = savedUv;
  vi.restoreAllMocks();
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "cognix-uv-"));
  dirs.push(dir);
  return dir;
}

/** A stand-in `uv`: records its arguments, then copies a lock or fails like uv does. */
function fakeUv(behaviour: { copyLockFrom?: string; fail?: string }): string {
  const bin = join(temp(), "uv");
  writeFileSync(
    bin,
    `#!${process.execPath}
const fs = require("node:fs");
fs.writeFileSync("uv-args.json", JSON.stringify(process.argv.slice(2)));
${behaviour.fail ? `process.stderr.write(${JSON.stringify(behaviour.fail)}); process.exit(1);` : ""}
${behaviour.copyLockFrom ? `fs.copyFileSync(${JSON.stringify(behaviour.copyLockFrom)}, "uv.lock");` : ""}
`,
  );
  chmodSync(bin, 0o755);
  return bin;
}

function capture(): { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  return { out: () => out, err: () => err };
}

describe("runUvLock", () => {
  it("says how to get uv when it is not installed", async () => {
    const empty = temp();
    const err = await runUvLock(temp(), { env: { PATH: empty } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CognixError);
    expect((err as CognixError).message).toContain("`uv` was not found");
    expect((err as CognixError).message).toContain("COGNIX_UV");
  });

  it("passes uv's own error on, naming the pyproject.toml", async () => {
    const dir = temp();
    const uv = fakeUv({ fail: "error: No solution found when resolving dependencies\n" });
    const err = await runUvLock(dir, { uv }).catch((e: unknown) => e);
    expect((err as CognixError).problems[0]!.file).toBe(`${dir}/pyproject.toml`);
    expect((err as CognixError).message).toContain("exit 1");
    expect((err as CognixError).message).toContain("No solution found");
  });

  it("runs `uv lock` with extra arguments in the model directory", async () => {
    const dir = temp();
    await runUvLock(dir, { uv: fakeUv({}), args: ["--upgrade"] });
    expect(JSON.parse(readFileSync(join(dir, "uv-args.json"), "utf8"))).toEqual(["lock", "--upgrade"]);
  });
});

describe("lockCommand", () => {
  it("-h prints the usage on stdout and exits 0; an unknown option is one short line and exit 2", async () => {
    const help = capture();
    expect(await lock(["-h"])).toBe(0);
    expect(help.out()).toMatch(/^Usage: cognix lock \[DIR\] \[options\]\n/);
    expect(help.err()).toBe("");
    vi.restoreAllMocks();
    const bad = capture();
    expect(await lock(["--bogus"])).toBe(2);
    expect(bad.err()).toMatch(/^error: unknown option --bogus\n\nUsage: cognix lock /);
  });

  it("--check without pyproject.toml names the commands that write it", async () => {
    const dir = temp();
    const c = capture();
    expect(await lock([dir, "--check"])).toBe(1);
    expect(c.err()).toContain("pyproject.toml not found; run `cognix lock`");
    expect(c.err()).not.toContain("cognix generate");
  });

  it("--check exits 0 on a fresh lock and 1 on a stale one, naming the change", async () => {
    const dir = temp();
    cpSync(join(FIXTURES, "plain-cpu"), dir, { recursive: true });
    let io = capture();
    expect(await lock([dir, "--check", "--json"])).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ ok: true, fresh: true, changes: [] });
    vi.restoreAllMocks();

    writeFileSync(join(dir, "pyproject.toml"), readFileSync(join(dir, "pyproject.toml"), "utf8").replace('"requests>=2.32.3",', '"requests>=2.32.3",\n    "pillow",'));
    io = capture();
    expect(await lock([dir, "--check"])).toBe(1);
    expect(io.err()).toContain("uv.lock is stale");
    expect(io.err()).toContain("added: pillow (not in uv.lock)");
  });

  it("works on the model the current directory is in, found from a subdirectory", async () => {
    const dir = temp();
    cpSync(join(FIXTURES, "plain-cpu"), dir, { recursive: true });
    writeFileSync(join(dir, "cog.yaml"), 'build:\n  python_version: "3.12"\n');
    const sub = join(dir, "src", "deep");
    mkdirSync(sub, { recursive: true });
    const io = capture();
    expect(await runCommandLine("cognix", lockCommand, ["--check", "--json"], { ...processContext(), cwd: sub })).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ ok: true, fresh: true, lockFile: join(dir, "uv.lock") });
  });

  it("locks with uv and checks the result", async () => {
    const dir = temp();
    cpSync(join(FIXTURES, "torch-cuda", "pyproject.toml"), join(dir, "pyproject.toml"));
    process.env["COGNIX_UV"] = fakeUv({ copyLockFrom: join(FIXTURES, "torch-cuda", "uv.lock") });
    const io = capture();
    expect(await lock([dir, "--json"])).toBe(0);
    const out = JSON.parse(io.out()) as { ok: boolean; lockFile: string; packages: number };
    expect(out).toEqual({
      ok: true,
      lockFile: join(dir, "uv.lock"),
      packages: readFileSync(join(dir, "uv.lock"), "utf8").match(/^\[\[package\]\]$/gm)!.length,
      wrotePyproject: false,
      weights: null,
    });
  });

  it("fails when uv wrote a lock that does not match pyproject.toml", async () => {
    const dir = temp();
    cpSync(join(FIXTURES, "torch-cuda", "pyproject.toml"), join(dir, "pyproject.toml"));
    process.env["COGNIX_UV"] = fakeUv({ copyLockFrom: join(FIXTURES, "plain-cpu", "uv.lock") });
    const io = capture();
    expect(await lock([dir])).toBe(1);
    expect(io.err()).toContain("uv.lock is stale");
    expect(io.err()).toContain("added: torch==2.7.1+cu126");
  });

  it("writes pyproject.toml from cognix.json before locking", async () => {
    const dir = temp();
    const cognix = {
      python: { version: "3.12", requirements: ["loguru>=0.7.3", "requests>=2.32.3"], indexes: [], findLinks: [] },
      torch: null,
      tensorflow: null,
      cog: { sdkVersion: "0.16.8" },
    };
    writeFileSync(join(dir, "cognix.json"), JSON.stringify(cognix));
    // uv sees the pyproject.toml cognix wrote: the fake records it next to its arguments.
    const bin = fakeUv({});
    writeFileSync(bin, readFileSync(bin, "utf8").replace("process.argv.slice(2)));", 'process.argv.slice(2)));\nfs.copyFileSync("pyproject.toml", "seen-pyproject.toml");'));
    process.env["COGNIX_UV"] = bin;
    const io = capture();
    // No uv.lock is written by this fake, so the run fails after uv; the pyproject is what is checked.
    expect(await lock([dir])).toBe(1);
    const seen = readFileSync(join(dir, "seen-pyproject.toml"), "utf8");
    expect(seen).toContain('"cog==0.16.8"');
    expect(seen).toContain('requires-python = "==3.12.*"');
    expect(io.err()).toContain("wrote");
    expect(io.err()).toContain("uv.lock not found");
  });

  it("reports a missing uv with exit 1 and JSON errors", async () => {
    const dir = temp();
    cpSync(join(FIXTURES, "plain-cpu", "pyproject.toml"), join(dir, "pyproject.toml"));
    process.env["COGNIX_UV"] = join(temp(), "no-such-uv");
    const io = capture();
    expect(await lock([dir, "--json"])).toBe(1);
    const out = JSON.parse(io.out()) as { ok: boolean; errors: string[] };
    expect(out.ok).toBe(false);
    expect(out.errors[0]).toContain("was not found");
  });

  it("rejects unknown options with exit 2", async () => {
    const io = capture();
    expect(await lock(["--bogus"])).toBe(2);
    expect(io.err()).toContain("Usage: cognix lock [DIR] [options]");
  });
});
