import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validateAgainst } from "../../schema/validators.ts";
import { canonicalJson } from "../../util/canonical-json.ts";
import type { CognixConfig } from "../../types/cognix.ts";
import { FIXTURES, PROBLEM_LINE, copyFixture, runCli } from "./helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function scratch(rel: string): string {
  const f = copyFixture(rel);
  cleanups.push(f.cleanup);
  return f.dir;
}

describe("cognix generate (subprocess)", () => {
  it("writes a cognix.json that meets the schema and reflects every key", async () => {
    const dir = scratch("valid/all-keys");
    const r = await runCli(["generate", dir]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, "cognix.json"), "utf8");
    const cfg = JSON.parse(text) as CognixConfig;
    expect(validateAgainst("cognix", cfg)).toEqual([]);
    expect(cfg.python.version).toBe("3.11");
    // Comments, continuations, markers, includes and hashes from requirements.txt.
    expect(cfg.python.requirements).toEqual([
      "numpy==1.26.4",
      'pillow>=10 ; python_version >= "3.8"',
      "transformers==4.44.0",
      "./wheels/localpkg-0.1.0-py3-none-any.whl",
      "scipy==1.13.1",
    ]);
    expect(cfg.python.findLinks).toEqual(["https://example.org/wheels"]);
    expect(cfg.python.options).toEqual(["--pre"]);
    expect(cfg.python.indexes.map((i) => i.url)).toContain("https://example.org/simple");
    expect(cfg.source.requirementsFile).toBe("requirements.txt");
    expect((cfg.source.requirementsIncludes ?? []).map((f) => f.path)).toEqual(["reqs/extra.txt"]);
    expect(cfg.run[1]).toEqual({ command: "cat /run/secrets/hf_token > /dev/null", mounts: [{ type: "secret", id: "hf_token", target: "/run/secrets/hf_token" }] });
    expect(cfg.environment).toEqual({ HF_HOME: "/src/.hf", GREETING: "hello world" });
    expect(cfg.weights).toEqual([
      { name: "base-model", source: "hf://example/base@main", target: "/src/weights/base", include: ["*.safetensors"], exclude: ["*.bin"] },
      { name: "vae", source: "hf://example/vae", target: "/src/weights/vae", include: ["*.json"], exclude: ["*.md"] },
    ]);
    expect(cfg.concurrency).toEqual({ max: 2 });
    expect(cfg.predict).toBe("predict.py:Predictor");
    expect(cfg.train).toBe("train.py:train");
    expect(cfg.image).toBe("r8.im/example/all-keys");
    expect(cfg.gpu).toBe(true);
    expect(cfg.cuda).toEqual({ version: "12.1", cudnn: "8" });
    expect(cfg.cog.sdkVersion).toBe("0.16.8");
    expect(cfg.systemPackages.map((p) => p.apt)).toEqual(["ffmpeg", "libgl1"]);
    expect(JSON.parse(cfg.labels["run.cog.config"])).toMatchObject({ build: { gpu: true, python_version: "3.11" } });
    // The cog SDK 0.16 pinned here reads concurrency.max: no deprecation warning.
    expect(r.stderr).not.toMatch(/concurrency\.max: deprecated/);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("with cog SDK 0.17+ pinned, warns that predict and concurrency.max have newer spellings", async () => {
    const dir = scratch("valid/sdk-017");
    const r = await runCli(["generate", dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: cog\.yaml:4:1: predict: deprecated with cog SDK 0\.17\+: write run: "predict\.py:Predictor" instead/m);
    expect(r.stderr).toMatch(/^warning: cog\.yaml:6:3: concurrency\.max: deprecated with cog SDK 0\.17\+/m);
    const cfg = JSON.parse(readFileSync(join(dir, "cognix.json"), "utf8")) as CognixConfig;
    expect(cfg.warnings.filter((w) => w.includes("deprecated"))).toHaveLength(2);
  });

  it("accepts the deprecated and removed keys, warning about each", async () => {
    const dir = scratch("valid/legacy-keys");
    const r = await runCli(["generate", dir]);
    expect(r.code).toBe(0);
    const cfg = JSON.parse(readFileSync(join(dir, "cognix.json"), "utf8")) as CognixConfig;
    for (const key of ["python_packages", "python_extra_index_urls", "python_find_links", "pre_install", "cog_runtime", "fast", "architectures"]) {
      expect(r.stderr).toMatch(new RegExp(`^warning: cog\\.yaml:\\d+:\\d+: build\\.${key}: `, "m"));
    }
    // Python 3.11 gets the newest SDK, which reads COG_PREDICT_TYPE_STUB: `run` is its spelling.
    expect(r.stderr).toMatch(/^warning: cog\.yaml:\d+:\d+: predict: deprecated with cog SDK 0\.17\+/m);
    expect(r.stderr).toMatch(/^warning: cog\.yaml:\d+:\d+: tests: /m);
    expect(cfg.python.version).toBe("3.11"); // unquoted 3.11 read from its YAML text
    expect(cfg.python.findLinks).toEqual(["https://example.org/wheels"]);
    expect(cfg.python.indexes.map((i) => i.url)).toContain("https://example.org/simple");
    expect(cfg.run).toEqual([{ command: "pip install --upgrade pip", mounts: [] }]);
    expect(cfg.weights).toEqual([{ name: "weights-dir", source: "weights-dir", target: "/cache/weights-dir" }]);
    expect(cfg.image).toBe("r8.im/example/legacy-keys");
    expect(cfg.warnings.length).toBeGreaterThanOrEqual(8);
  });

  it("is byte-identical whatever TZ, umask, locale or path spelling", async () => {
    const a = scratch("valid/all-keys");
    const b = scratch("valid/all-keys");
    await runCli(["generate", a], { env: { TZ: "UTC", LANG: "C", LC_ALL: "C" } });
    await runCli(["generate", "."], { cwd: b, env: { TZ: "Pacific/Chatham", LANG: "tr_TR.UTF-8", LC_ALL: "tr_TR.UTF-8" } });
    const first = readFileSync(join(a, "cognix.json"));
    expect(readFileSync(join(b, "cognix.json")).equals(first)).toBe(true);
    // Again in place: unchanged bytes, and --check agrees.
    await runCli(["generate", a], { env: { TZ: "Asia/Kolkata" } });
    expect(readFileSync(join(a, "cognix.json")).equals(first)).toBe(true);
    expect((await runCli(["generate", a, "--check"])).code).toBe(0);
  });

  it("--check reports a stale or missing cognix.json and writes nothing", async () => {
    const dir = scratch("valid/all-keys");
    const missing = await runCli(["generate", dir, "--check"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cognix\.json: missing/);
    expect(existsSync(join(dir, "cognix.json"))).toBe(false);

    expect((await runCli(["generate", dir])).code).toBe(0);
    const before = readFileSync(join(dir, "cognix.json"), "utf8");
    // A change in a file pulled in with -r makes it stale.
    writeFileSync(join(dir, "reqs", "extra.txt"), "scipy==1.14.0\n");
    const stale = await runCli(["generate", dir, "--check", "--json"]);
    expect(stale.code).toBe(1);
    expect(JSON.parse(stale.stdout)).toMatchObject({ ok: false, errors: [expect.stringMatching(/cognix\.json: stale: cog\.yaml or a file it names changed since it was generated; run `cognix generate /)] });
    expect(readFileSync(join(dir, "cognix.json"), "utf8")).toBe(before);
  });

  it("--json prints a machine-readable result for success and failure", async () => {
    const good = scratch("valid/legacy-keys");
    const ok = await runCli(["generate", good, "--json"]);
    expect(ok.code).toBe(0);
    const res = JSON.parse(ok.stdout) as { ok: boolean; changed: boolean; warnings: string[] };
    expect(res.ok).toBe(true);
    expect(res.changed).toBe(true);
    expect(res.warnings.some((w) => w.includes("build.python_packages"))).toBe(true);

    const bad = scratch("broken/unknown-key");
    const fail = await runCli(["generate", bad, "--json"]);
    expect(fail.code).toBe(1);
    const out = JSON.parse(fail.stdout) as { ok: boolean; problems: { file: string; line: number; column: number; path: (string | number)[]; message: string }[] };
    expect(out.ok).toBe(false);
    expect(out.problems[0]).toMatchObject({ line: 2, column: 3, path: ["build", "pythn_version"] });
    expect(out.problems[0]?.file.endsWith("cog.yaml")).toBe(true);
    // The same deterministic JSON as every command: sorted keys, two-space indent, `errors` as text lines.
    expect(fail.stdout).toBe(canonicalJson(JSON.parse(fail.stdout)));
    const errors = (JSON.parse(fail.stdout) as { errors: string[] }).errors;
    expect(errors).toHaveLength(out.problems.length);
    expect(errors[0]).toMatch(/cog\.yaml:2:3: build\.pythn_version: unknown key/);
    expect(ok.stdout).toBe(canonicalJson(res));
  });

  it("leaves an existing cognix.json untouched when the input is broken", async () => {
    const dir = scratch("broken/wrong-type");
    writeFileSync(join(dir, "cognix.json"), "previous\n");
    const r = await runCli(["generate", dir]);
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, "cognix.json"), "utf8")).toBe("previous\n");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("gives usage errors exit code 2 and answers --help and --version", async () => {
    expect((await runCli(["generate", "--frobnicate"])).code).toBe(2);
    expect((await runCli(["generate", "a", "b"])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
    expect((await runCli([])).code).toBe(2);
    const help = await runCli(["generate", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cognix generate/);
    expect((await runCli(["--help"])).stdout).toMatch(/generate \[DIR\]/);
    const v = await runCli(["--version"]);
    const pkg = JSON.parse(readFileSync(join(FIXTURES, "..", "..", "..", "..", "package.json"), "utf8")) as { version: string };
    expect(v.stdout.trim()).toBe(pkg.version);
  });

  it("reports a missing model directory or cog.yaml as a user error", async () => {
    const r = await runCli(["generate", join(FIXTURES, "does-not-exist")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/model directory not found/);
    const dir = scratch("valid/all-keys/reqs");
    const r2 = await runCli(["generate", dir]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/cog\.yaml: cog\.yaml not found/);
    expect(r2.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("cognix generate inside a model", () => {
  it("walks up to cog.yaml from a subdirectory, names files from where the user is, and says one line", async () => {
    const dir = scratch("valid/sdk-017");
    const sub = join(dir, "src", "deep");
    mkdirSync(sub, { recursive: true });
    const lines = (stderr: string): string[] => stderr.split("\n").filter((l) => l !== "" && !l.startsWith("warning: "));
    const r = await runCli(["generate"], { cwd: sub });
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toEqual(["wrote ../../cognix.json"]);
    expect(existsSync(join(dir, "cognix.json"))).toBe(true);
    const again = await runCli(["generate", "--check"], { cwd: sub });
    expect([again.code, lines(again.stderr)]).toEqual([0, ["../../cognix.json is up to date"]]);

    const bad = scratch("broken/unknown-key");
    mkdirSync(join(bad, "sub"));
    const b = await runCli(["generate"], { cwd: join(bad, "sub") });
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/^error: \.\.\/cog\.yaml:2:3: build\.pythn_version: unknown key/m);
  });

  it("says when there is no cog.yaml here or above", async () => {
    const empty = mkdtempSync(join(tmpdir(), "cognix-nomodel-"));
    try {
      const r = await runCli(["generate"], { cwd: empty });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("error: cog.yaml: not found in this directory or any above it: run cognix inside a Cog model, or name its directory\n");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("reads cog.yml like cog.yaml, records which it read, and refuses it for a cog SDK that reads /src/cog.yaml", async () => {
    const dir = scratch("valid/sdk-017");
    renameSync(join(dir, "cog.yaml"), join(dir, "cog.yml"));
    const r = await runCli(["generate", dir]);
    expect(r.code).toBe(0);
    const cfg = JSON.parse(readFileSync(join(dir, "cognix.json"), "utf8")) as CognixConfig;
    expect(cfg.source.cogYaml).toBe("cog.yml");
    expect(r.stderr).toMatch(/^warning: cog\.yml:4:1: predict: deprecated/m);
    // Found from a subdirectory as cog.yaml is.
    mkdirSync(join(dir, "src", "deep"), { recursive: true });
    const up = await runCli(["generate", "--check"], { cwd: join(dir, "src", "deep") });
    expect([up.code, up.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("warning: "))]).toEqual([0, ["../../cognix.json is up to date"]]);

    const old = scratch("valid/all-keys");
    renameSync(join(old, "cog.yaml"), join(old, "cog.yml"));
    const o = await runCli(["generate", old]);
    expect(o.code).toBe(1);
    expect(o.stderr).toContain(`error: ${old}/cog.yml: the cog SDK this model gets (below 0.17) reads /src/cog.yaml in the image: rename cog.yml to cog.yaml\n`);
    expect(existsSync(join(old, "cognix.json"))).toBe(false);
  });

  it("reads cog.yaml as Cog does: a dropped --extra-index-url, apt options, python3-opencv, torch<=X; Python 3.8 refused", async () => {
    const dir = scratch("valid/sdk-017");
    const cogYaml = (python: string, torch: string): string =>
      `build:\n  gpu: true\n  python_version: "${python}"\n  python_packages:\n    - "${torch}"\n  system_packages:\n    - "ffmpeg --fix-missing"\n    - "python3-opencv"\nrun: "predict.py:Predictor"\n`;
    writeFileSync(join(dir, "cog.yaml"), cogYaml("3.10", "torch==1.13.0 --extra-index-url https://download.pytorch.org/whl/cu117"));
    const r = await runCli(["generate"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning: cog.yaml:5:7: build.python_packages[0]: --extra-index-url https://download.pytorch.org/whl/cu117 after torch==1.13.0 is dropped, as Cog drops it");
    expect(r.stderr).toContain('warning: cog.yaml:7:7: build.system_packages[0]: the apt option --fix-missing is ignored: "ffmpeg --fix-missing" is read as the packages it names');
    const cfg = JSON.parse(readFileSync(join(dir, "cognix.json"), "utf8")) as CognixConfig;
    expect(cfg.systemPackages).toEqual([{ apt: "ffmpeg", nix: ["ffmpeg"] }, { apt: "python3-opencv", nix: ["python3Packages.opencv4"] }]);
    // The exact pin is in Cog's table: PyTorch's index for its CUDA, not the dropped URL.
    expect(cfg.python.requirements).toEqual(["torch==1.13.0"]);
    expect(cfg.python.indexes).toEqual([{ name: "pytorch-cu117", packages: ["torch"], url: "https://download.pytorch.org/whl/cu117" }]);
    expect(cfg.cuda?.version).toBe("11.7");

    writeFileSync(join(dir, "cog.yaml"), cogYaml("3.10", "torch<=2.0.1"));
    expect((await runCli(["generate"], { cwd: dir })).code).toBe(0);
    const range = JSON.parse(readFileSync(join(dir, "cognix.json"), "utf8")) as CognixConfig;
    expect([range.python.requirements, range.python.indexes, range.cuda?.version, range.torch?.variant]).toEqual([["torch<=2.0.1"], [], "11.8", "pypi"]);

    const before = readFileSync(join(dir, "cognix.json"), "utf8");
    writeFileSync(join(dir, "cog.yaml"), cogYaml("3.8", "torch==1.13.0"));
    const old = await runCli(["generate"], { cwd: dir });
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/^error: cog\.yaml:3:19: build\.python_version: Python 3\.8 is not supported: .*raise python_version to 3\.10 or later\n$/m);
    expect(readFileSync(join(dir, "cognix.json"), "utf8")).toBe(before);
  });

  it("in a git repository, says to git add a cognix.json git does not track (a flake sees only tracked files)", async () => {
    const dir = scratch("valid/sdk-017");
    const sub = join(dir, "src");
    mkdirSync(sub);
    const git = (...a: string[]): number | null => spawnSync("git", ["-C", dir, ...a], { stdio: "ignore" }).status;
    expect(git("init", "-q")).toBe(0);
    expect(git("add", "cog.yaml", "predict.py")).toBe(0);
    const lines = (stderr: string): string[] => stderr.split("\n").filter((l) => l !== "" && !l.startsWith("warning: "));
    const untracked = await runCli(["generate"], { cwd: sub });
    expect([untracked.code, lines(untracked.stderr)]).toEqual([0, ["wrote ../cognix.json (not tracked by git, so nix does not see it: git add ../cognix.json)"]]);
    const again = await runCli(["generate", "--check"], { cwd: sub });
    expect([again.code, lines(again.stderr)]).toEqual([0, ["../cognix.json is up to date (not tracked by git, so nix does not see it: git add ../cognix.json)"]]);
    expect(git("add", "cognix.json")).toBe(0);
    const tracked = await runCli(["generate", "--check"], { cwd: sub });
    expect([tracked.code, lines(tracked.stderr)]).toEqual([0, ["../cognix.json is up to date"]]);
  });

  it("records the model directory's name, which names an image with no image: as Cog does", async () => {
    const dir = scratch("valid/sdk-017");
    expect((await runCli(["generate", dir])).code).toBe(0);
    expect((JSON.parse(readFileSync(join(dir, "cognix.json"), "utf8")) as CognixConfig).source.directory).toBe("model");
  });
});

describe("broken fixtures", () => {
  const names = readdirSync(join(FIXTURES, "broken")).sort();
  // Each case owns its scratch copy, so they can run side by side.
  it.concurrent.each(names)("%s: exit 1, one located line per problem, nothing written", async (name) => {
    const f = copyFixture(`broken/${name}`);
    try {
      const r = await runCli(["generate", f.dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      const lines = r.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("warning: "));
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) {
        expect(l).toMatch(/^error: /);
        const located = l.slice("error: ".length);
        expect(located.startsWith(f.dir) ? located.slice(f.dir.length + 1) : located).toMatch(name === "empty" ? /^cog\.yaml: / : PROBLEM_LINE);
      }
      expect(existsSync(join(f.dir, "cognix.json"))).toBe(false);
    } finally {
      f.cleanup();
    }
  });
});
