// cognix doctor: each check against a real model directory (examples/minimal
// copied, with a flake and cognix's own flake.lock), from a subdirectory.
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { generate } from "../../generate/generate.ts";
import { chrootMissing } from "../../runtime/chroot.ts";
import type { Finding } from "../doctor-checks.ts";
import { capture, cognix, fakeTool, have, isolatedPath, repo, tempDir } from "./helpers.ts";

const root = tempDir("doctor");
afterAll(() => rmSync(root, { recursive: true, force: true }));
const nix = have("nix") ? dirname(spawnNixPath()) : null;
if (nix === null) console.warn("ts/commands: the doctor tests run without nix (its own check says so)");

function spawnNixPath(): string {
  return (process.env["PATH"] ?? "").split(":").map((d) => join(d, "nix")).find((p) => have(p)) ?? "nix";
}

describe("cognix doctor", () => {
  let model = "";
  let n = 0;
  let bin = "";
  beforeEach(() => {
    // Named as the example is: cognix.json records the directory's name.
    model = join(root, `case${n++}`, "minimal");
    cpSync(join(repo, "examples", "minimal"), model, { recursive: true });
    cpSync(join(repo, "templates", "default", "flake.nix"), join(model, "flake.nix"));
    cpSync(join(repo, "flake.lock"), join(model, "flake.lock"));
    mkdirSync(join(model, "src", "deep"), { recursive: true });
    bin = join(model, "bin");
    fakeTool(bin, "docker", '[ "$1" = version ] && echo 27.1.0');
  });
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: isolatedPath(root, bin, ...(nix !== null ? [nix] : [])) });
  async function doctor(args: string[] = []): Promise<{ code: number; checks: Finding[]; out: string }> {
    const c = capture(join(model, "src", "deep"), env());
    const code = await cognix(["doctor", "--json", ...args], c.ctx);
    const out = JSON.parse(c.out()) as { checks: Finding[]; ok: boolean };
    expect(out.ok).toBe(code === 0);
    return { code, checks: out.checks, out: c.out() };
  }
  const find = (checks: Finding[], check: string): Finding[] => checks.filter((f) => f.check === check);

  it.skipIf(nix === null)("passes a model that has what it needs, naming what it checked", async () => {
    const r = await doctor();
    expect(r.code).toBe(0);
    expect(find(r.checks, "nix")[0]).toMatchObject({ status: "ok", message: expect.stringMatching(/^nix \(Nix\) /) });
    expect(find(r.checks, "model")).toEqual([{ check: "model", status: "ok", message: "../../cog.yaml" }]);
    expect(find(r.checks, "cognix.json")[0]?.status).toBe("ok");
    expect(find(r.checks, "flake.nix")).toEqual([{ check: "flake.nix", status: "ok", message: "../../flake.nix" }]);
    expect(find(r.checks, "uv.lock")[0]?.status).toBe("ok");
    expect(find(r.checks, "engines")).toContainEqual({ check: "engines", status: "ok", message: "docker 27.1.0" });
    // cognix's own inputs are in the store here (the test suite needs them); nixpkgs never is.
    const inputs = find(r.checks, "flake inputs");
    expect(inputs).toContainEqual(expect.objectContaining({ status: "ok", message: expect.stringMatching(/^nixpkgs-lib \(github:nix-community\/nixpkgs\.lib\/[0-9a-f]{40}\) is in the Nix store$/) }));
    for (const f of inputs.filter((i) => i.status !== "ok")) expect(f).toMatchObject({ status: "warning", fix: expect.stringContaining("nix flake archive") });
  });

  it("names each problem with what to do: stale cognix.json and uv.lock, no flake, untracked files", async () => {
    appendFileSync(join(model, "cog.yaml"), "image: r8.im/acme/minimal\n");
    writeFileSync(join(model, "pyproject.toml"), readFileSync(join(model, "pyproject.toml"), "utf8").replace("dependencies = [", 'dependencies = [\n    "pillow",'));
    rmSync(join(model, "flake.nix"));
    spawnSync("git", ["-C", model, "init", "-q"]);
    spawnSync("git", ["-C", model, "add", "cog.yaml", "predict.py", "requirements.txt"]);
    const r = await doctor();
    expect(find(r.checks, "git")[0]).toMatchObject({ status: "error", message: expect.stringMatching(/^\.\.\/\.\.\/cognix\.json: not tracked by git, .*: git add \.\.\/\.\.\/cognix\.json \.\.\/\.\.\/flake\.lock \.\.\/\.\.\/pyproject\.toml \.\.\/\.\.\/uv\.lock$/), fix: "git add the files named" });
    expect(r.code).toBe(1);
    expect(find(r.checks, "cognix.json")[0]).toMatchObject({ status: "error", message: expect.stringMatching(/^\.\.\/\.\.\/cognix\.json: stale/), fix: "run cognix generate (or cognix doctor --fix)" });
    expect(find(r.checks, "uv.lock")[0]).toMatchObject({ status: "error", message: "../../uv.lock: stale (1 requirement changed)", fix: "run cognix lock" });
    expect(find(r.checks, "flake.nix")[0]).toMatchObject({ status: "error", fix: "run cognix init" });
    const text = capture(join(model, "src"), env());
    expect(await cognix(["doctor"], text.ctx)).toBe(1);
    expect(text.out()).toMatch(/^error +cognix\.json: \.\.\/cognix\.json: stale[^\n]*\n {9}fix: run cognix generate \(or cognix doctor --fix\)$/m);
    expect(text.out()).toMatch(/\n\d+ errors?, \d+ warnings?\n$/);
  });

  it.skipIf(nix === null)("says which locked flake input is not in the Nix store and how to get it; a missing or broken flake.lock too", async () => {
    const lock = JSON.parse(readFileSync(join(model, "flake.lock"), "utf8")) as { nodes: Record<string, { locked?: Record<string, unknown> }> };
    lock.nodes["nixpkgs-lib"]!.locked = { ...lock.nodes["nixpkgs-lib"]!.locked, rev: "0".repeat(40), narHash: `sha256-${"A".repeat(43)}=` };
    writeFileSync(join(model, "flake.lock"), JSON.stringify(lock));
    const missing = find((await doctor()).checks, "flake inputs").find((f) => f.message.startsWith("nixpkgs-lib "));
    expect(missing).toEqual({
      check: "flake inputs",
      status: "warning",
      message: `nixpkgs-lib (github:nix-community/nixpkgs.lib/${"0".repeat(40)}) is not in the Nix store: the build downloads it, and fails without the network`,
      fix: "build once with the network, or add it to the store (nix flake archive)",
    });
    rmSync(join(model, "flake.lock"));
    expect(find((await doctor()).checks, "flake inputs")).toEqual([
      { check: "flake inputs", status: "warning", message: "../../flake.lock: none yet; the first nix build writes it (and downloads the inputs)", fix: "run cognix build with the network" },
    ]);
    writeFileSync(join(model, "flake.lock"), "{ not json");
    const broken = await doctor();
    expect(broken.code).toBe(1);
    expect(find(broken.checks, "flake inputs")).toEqual([expect.objectContaining({ status: "error", message: expect.stringMatching(/^\.\.\/\.\.\/flake\.lock:\d+:\d+: invalid JSON: /), fix: "remove it and run cognix build (nix writes it again)" })]);
  });

  it("--fix writes a stale cognix.json (and pyproject.toml) again", async () => {
    appendFileSync(join(model, "cog.yaml"), "image: r8.im/acme/minimal\n");
    const r = await doctor(["--fix"]);
    expect(find(r.checks, "cognix.json")[0]).toMatchObject({ status: "ok", message: "was stale or missing: written again, with pyproject.toml" });
    expect(readFileSync(join(model, "cognix.json"), "utf8")).toBe(generate(model).json);
  });

  it("outside a model, and without nix, says so", async () => {
    const c = capture(root, { ...process.env, PATH: isolatedPath(root) });
    expect(await cognix(["doctor", "--json"], c.ctx)).toBe(1);
    const checks = (JSON.parse(c.out()) as { checks: Finding[] }).checks;
    expect(find(checks, "nix")).toEqual([{ check: "nix", status: "error", message: "nix is not on PATH", fix: "install Nix (https://nixos.org/download; on Debian: apt-get install nix-bin)" }]);
    expect(find(checks, "model")[0]).toMatchObject({ status: "error", message: "no cog.yaml in this directory or any above it" });
    const engines = find(checks, "engines");
    if (chrootMissing().length === 0) expect(engines).toEqual([{ check: "engines", status: "ok", message: "chroot: cognix run/serve --engine chroot can run images here" }]);
    else expect(engines).toContainEqual(expect.objectContaining({ status: "warning", message: expect.stringMatching(/^nothing here can start an image/) }));
  });

  it("says a stale cognix.json comes from a renamed model directory when that is all that changed", async () => {
    const renamed = join(root, "renamed-model");
    cpSync(model, renamed, { recursive: true });
    const c = capture(renamed, env());
    expect(await cognix(["doctor", "--json"], c.ctx)).toBe(1);
    const checks = (JSON.parse(c.out()) as { checks: Finding[] }).checks;
    expect(find(checks, "cognix.json")[0]?.message).toBe('cognix.json: stale: the model directory was renamed from "minimal" (an image with no image: is named after it); run `cognix generate`');
  });
});
