// The example models: cognix.json is what `cognix generate` writes today
// (byte for byte), pyproject.toml is what cognix.json renders to, and
// uv.lock records exactly pyproject.toml's requirements.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../generate/generate.ts";
import { checkLockFresh, describeChange } from "../../lock/freshness.ts";
import { readUvLock } from "../../lock/uv-lock.ts";
import { pyprojectFor } from "../pyproject.ts";
import { sizeCommand } from "../size.ts";
import { capture, repo, tempDir } from "./helpers.ts";
import { stubBuildMissing } from "./stub-flake.ts";

const EXAMPLES = ["torch-demo", "ebsynth-cpu", "gte-small", "gte-large", "minimal", "gpu"];

describe.each(EXAMPLES)("examples/%s", (name) => {
  const dir = join(repo, "examples", name);

  it("cognix.json matches what cognix generate writes", () => {
    expect(readFileSync(join(dir, "cognix.json"), "utf8")).toBe(generate(dir).json);
  });

  it("pyproject.toml matches what cognix.json renders to", () => {
    expect(readFileSync(join(dir, "pyproject.toml"), "utf8")).toBe(pyprojectFor(dir));
  });

  const lock = join(dir, "uv.lock");
  if (!existsSync(lock)) console.warn(`ts/commands: skipping the lock check of examples/${name}: missing examples/${name}/uv.lock`);
  it.skipIf(!existsSync(lock))("uv.lock is fresh for pyproject.toml and locks every package it names", () => {
    const status = checkLockFresh(dir);
    expect(status.changes.map(describeChange)).toEqual([]);
    expect(status.fresh).toBe(true);
    // Every dependency of every locked package is itself locked.
    const text = readFileSync(lock, "utf8");
    const locked = new Set(readUvLock(lock).packages.map((p) => p.name));
    const deps = [...text.matchAll(/\{ name = "([^"]+)"(?:, marker| \}|, extra|, version)/g)].map((m) => m[1]!.toLowerCase().replace(/[-_.]+/g, "-"));
    for (const d of deps) expect(locked, `${d} is a dependency but has no [[package]] entry`).toContain(d);
  });
});

const stubMissing = stubBuildMissing();
if (stubMissing.length > 0) console.warn(`ts/commands: skipping the ebsynth-cpu stub build: missing ${stubMissing.join(", ")}`);

describe.skipIf(stubMissing.length > 0)("examples/ebsynth-cpu with the stub package set", () => {
  it("builds an image whose config label is cognix.json's and whose closure has its system packages", async () => {
    const tmp = tempDir("ebsynth");
    try {
      const out = join(tmp, "result");
      const r = spawnSync(
        "nix",
        ["build", "--offline", "--impure", "-o", out, "--file", join(repo, "lib", "tests", "e2e.nix"),
          "--argstr", "typescriptDir", join(repo, "node_modules", "typescript"), "--argstr", "example", "ebsynth-cpu"],
        { encoding: "utf8", env: { ...process.env, NIX_CONFIG: "experimental-features = nix-command flakes" } },
      );
      expect(r.status, r.stderr).toBe(0);
      const spec = JSON.parse(spawnSync(out, ["spec"], { encoding: "utf8" }).stdout) as { config: { Labels: Record<string, string> } };
      const cognix = JSON.parse(readFileSync(join(repo, "examples", "ebsynth-cpu", "cognix.json"), "utf8")) as {
        labels: Record<string, string>;
        systemPackages: { apt: string; nix: string[] }[];
      };
      expect(spec.config.Labels["run.cog.config"]).toBe(cognix.labels["run.cog.config"]);
      const c = capture(tmp);
      expect(await sizeCommand(["result", "--json"], c.ctx)).toBe(0);
      const paths = (JSON.parse(c.out()) as { paths: { path: string }[] }).paths.map((p) => p.path);
      expect(cognix.systemPackages.map((p) => p.apt)).toEqual(["ffmpeg", "libgl1-mesa-glx", "libglib2.0-0"]);
      expect(paths.some((p) => /-ffmpeg[-\w.]*$/.test(p))).toBe(true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 600_000);
});
