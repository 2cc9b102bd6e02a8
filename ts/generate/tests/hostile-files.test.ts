// Files generate reads that are not what they seem: links out of the model
// directory, devices, FIFOs and huge files. Each must be refused before it is
// read, quickly, with exit 1 and nothing written.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const CLI = join(ROOT, "ts", "cli.ts");
const haveMkfifo = spawnSync("mkfifo", ["--version"], { stdio: "ignore" }).status === 0;
if (!haveMkfifo) console.warn("skipping FIFO cases: mkfifo not found");

const COG_YAML = 'build:\n  python_version: "3.12"\n  python_requirements: requirements.txt\npredict: predict.py:Predictor\n';

interface Run {
  code: number | null;
  stderr: string;
  ms: number;
}

/** `cognix generate DIR`, killed after `limitMs` (a hang is a failure, not a stuck test). */
function generate(dir: string, limitMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--max-old-space-size=256", TSX, CLI, "generate", dir], { stdio: ["ignore", "ignore", "pipe"], timeout: limitMs });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, ms: Date.now() - started }));
  });
}

describe("generate refuses hostile files before reading them", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** A valid model in a fresh directory, with `outside/` beside it. */
  function model(): { dir: string; outside: string } {
    const base = mkdtempSync(join(tmpdir(), "cognix-hostile-"));
    dirs.push(base);
    const dir = join(base, "model");
    const outside = join(base, "outside");
    mkdirSync(dir);
    mkdirSync(outside);
    writeFileSync(join(dir, "cog.yaml"), COG_YAML);
    writeFileSync(join(dir, "requirements.txt"), "numpy==1.26.4\n");
    writeFileSync(join(dir, "predict.py"), "class Predictor:\n    def predict(self) -> str: ...\n");
    return { dir, outside };
  }

  function expectRefused(r: Run, dir: string, message: RegExp): void {
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, "cognix.json"))).toBe(false);
  }

  it("a cog.yaml linking out of the model directory", async () => {
    const { dir, outside } = model();
    writeFileSync(join(outside, "cog.yaml"), COG_YAML);
    rmSync(join(dir, "cog.yaml"));
    symlinkSync(join(outside, "cog.yaml"), join(dir, "cog.yaml"));
    expectRefused(await generate(dir), dir, /cog\.yaml: .*outside the model directory/);
  });

  it("a cog.yaml linking to a device", async () => {
    const { dir } = model();
    rmSync(join(dir, "cog.yaml"));
    symlinkSync("/dev/zero", join(dir, "cog.yaml"));
    const r = await generate(dir);
    expectRefused(r, dir, /cog\.yaml: .*(not a regular file|outside the model directory)/);
    expect(r.ms).toBeLessThan(20_000);
  });

  it.skipIf(!haveMkfifo)("a cog.yaml that is a FIFO", async () => {
    const { dir } = model();
    rmSync(join(dir, "cog.yaml"));
    spawnSync("mkfifo", [join(dir, "cog.yaml")]);
    expectRefused(await generate(dir), dir, /cog\.yaml: .*not a regular file/);
  });

  it("a cog.yaml far larger than any configuration", async () => {
    const { dir } = model();
    truncateSync(join(dir, "cog.yaml"), 2 ** 31);
    expectRefused(await generate(dir), dir, /cog\.yaml: .*larger than/);
  });

  it("a requirements file linking to a device", async () => {
    const { dir } = model();
    rmSync(join(dir, "requirements.txt"));
    symlinkSync("/dev/zero", join(dir, "requirements.txt"));
    const r = await generate(dir);
    expectRefused(r, dir, /cog\.yaml:3:\d+: build\.python_requirements: .*requirements\.txt/);
    expect(r.ms).toBeLessThan(20_000);
  });

  it.skipIf(!haveMkfifo)("a requirements file that is a FIFO", async () => {
    const { dir } = model();
    rmSync(join(dir, "requirements.txt"));
    spawnSync("mkfifo", [join(dir, "requirements.txt")]);
    expectRefused(await generate(dir), dir, /build\.python_requirements: requirements file requirements\.txt is not a regular file/);
  });

  it.skipIf(!haveMkfifo)("a requirements include linking to a FIFO outside the model directory", async () => {
    const { dir, outside } = model();
    spawnSync("mkfifo", [join(outside, "fifo")]);
    symlinkSync(join(outside, "fifo"), join(dir, "more.txt"));
    writeFileSync(join(dir, "requirements.txt"), "numpy==1.26.4\n-r more.txt\n");
    expectRefused(await generate(dir), dir, /requirements\.txt:2: requirements file more\.txt is outside the model directory/);
  });

  it("a requirements file far larger than any list of packages", async () => {
    const { dir } = model();
    truncateSync(join(dir, "requirements.txt"), 2 ** 31);
    expectRefused(await generate(dir), dir, /requirements file requirements\.txt is larger than/);
  });

  it.skipIf(!haveMkfifo)("a predictor module that is a FIFO", async () => {
    const { dir } = model();
    rmSync(join(dir, "predict.py"));
    spawnSync("mkfifo", [join(dir, "predict.py")]);
    expectRefused(await generate(dir), dir, /cog\.yaml:4:\d+: predict: predict\.py is not a regular file/);
  });

  it("a predictor module far larger than any source file", async () => {
    const { dir } = model();
    truncateSync(join(dir, "predict.py"), 2 ** 31);
    expectRefused(await generate(dir), dir, /predict: predict\.py is larger than/);
  });

  it.skipIf(!haveMkfifo)("an existing cognix.json that is a FIFO", async () => {
    const { dir } = model();
    spawnSync("mkfifo", [join(dir, "cognix.json")]);
    const r = await generate(dir);
    expect(r.stderr).toMatch(/cognix\.json: .*not a regular file/);
    expect(r.code).toBe(1);
  });
});
