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
import { renderPyproject } from "../../pyproject/render.ts";
import type { CognixConfig } from "../../types/cognix.ts";
import { capture, cognix, repo, tempDir } from "./helpers.ts";
import { chrootMissing, startChroot } from "../../runtime/chroot.ts";
import { buildOffline, offlineMissing } from "../../testkit/offline.ts";

const EXAMPLES = ["torch-demo", "ebsynth-cpu", "gte-small", "gte-large", "minimal", "gpu"];

describe.each(EXAMPLES)("examples/%s", (name) => {
  const dir = join(repo, "examples", name);

  it("cognix.json matches what cognix generate writes", () => {
    expect(readFileSync(join(dir, "cognix.json"), "utf8")).toBe(generate(dir).json);
  });

  it("pyproject.toml matches what cognix.json renders to", () => {
    expect(readFileSync(join(dir, "pyproject.toml"), "utf8")).toBe(renderPyproject(JSON.parse(readFileSync(join(dir, "cognix.json"), "utf8")) as CognixConfig));
  });

  const lock = join(dir, "uv.lock");
  // An example is locked unless it needs an index this repository's machines
  // cannot reach; then its README says which, and so does the skip.
  const pyproject = readFileSync(join(dir, "pyproject.toml"), "utf8");
  const unreachable = [...pyproject.matchAll(/url = "(https:\/\/download\.pytorch\.org\/[^"]+)"/g)].map((m) => m[1]!);
  if (!existsSync(lock) && unreachable.length > 0) {
    console.warn(`ts/commands: skipping the lock check of examples/${name}: it needs ${unreachable.join(", ")}, which this machine cannot reach`);
  }
  it("is locked, or says in its README which index it cannot be locked from", () => {
    if (existsSync(lock)) return;
    expect(unreachable, `examples/${name} has no uv.lock: run \`cognix lock examples/${name}\``).not.toEqual([]);
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    for (const url of unreachable) expect(readme).toContain(url);
  });
  const weights = (JSON.parse(readFileSync(join(dir, "cognix.json"), "utf8")) as { weights: unknown[] }).weights;
  it("has a weights lock when it declares weights, or says in its README why not", () => {
    if (weights.length === 0 || existsSync(join(dir, "weights.lock.json"))) return;
    expect(readFileSync(join(dir, "README.md"), "utf8")).toContain("huggingface.co");
  });
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

const offline = [...offlineMissing(), ...chrootMissing()];
if (offline.length > 0) console.warn(`ts/commands: skipping the ebsynth-cpu build: missing ${offline.join(", ")}`);

describe.skipIf(offline.length > 0)("examples/ebsynth-cpu built offline (the README's main example)", () => {
  it("builds an image whose Python loads OpenCV and NumPy and whose ffmpeg runs, with cognix.json's label", async () => {
    const tmp = tempDir("ebsynth");
    try {
      const out = buildOffline(join(repo, "examples", "ebsynth-cpu"), join(tmp, "result"));
      const spec = JSON.parse(spawnSync(out, ["spec"], { encoding: "utf8" }).stdout) as { config: { Labels: Record<string, string> } };
      const config = JSON.parse(readFileSync(join(repo, "examples", "ebsynth-cpu", "cognix.json"), "utf8")) as {
        labels: Record<string, string>;
        systemPackages: { apt: string; nix: string[] }[];
      };
      expect(spec.config.Labels["run.cog.config"]).toBe(config.labels["run.cog.config"]);
      const c = capture(tmp);
      expect(await cognix(["size", "result", "--json"], c.ctx)).toBe(0);
      const paths = (JSON.parse(c.out()) as { paths: { path: string }[] }).paths.map((p) => p.path);
      expect(config.systemPackages.map((p) => p.apt)).toEqual(["ffmpeg", "libgl1-mesa-glx", "libglib2.0-0"]);
      expect(paths.some((p) => /-ffmpeg[-\w.]*$/.test(p))).toBe(true);

      const oci = join(tmp, "oci");
      expect(spawnSync(out, ["oci", oci]).status).toBe(0);
      const probe = "import cv2, numpy, subprocess; print(cv2.__version__, numpy.__version__); print(subprocess.run(['ffmpeg', '-hide_banner', '-version'], capture_output=True, text=True, check=True).stdout.split()[2])";
      const image = await startChroot({ ociDir: oci, tag: "latest", bundleDir: join(tmp, "bundle"), args: ["python", "-c", probe] });
      const code = await image.exited;
      const logs = image.logs();
      await image.stop();
      expect(code, logs).toBe(0);
      expect(logs).toMatch(/^4\.10\.0 1\.26\.4\n\S+\n$/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 900_000);
});
