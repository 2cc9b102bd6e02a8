// Build-time weights from buckets: a model with one weight set in an S3
// bucket (moto_server) and one in a Cloud Storage bucket
// (gcp-storage-emulator) is locked with `cognix lock` and built offline; the
// image's weight store paths hold the bytes that Nix's fetchurl read from the
// URLs the lock recorded, with the locked sha256, and the model reads them
// at their targets.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPrediction, waitReady } from "../commands/predict-http.ts";
import { chrootMissing, startChroot } from "../runtime/chroot.ts";
import { fetchWheels, offlineBuildArgs, offlineMissing, repo } from "../testkit/offline.ts";
import { hasGcsEmulator, startGcsEmulator, type GcsEmulator } from "../weights/tests/helpers/gcs-emulator.ts";
import { hasMoto, startMoto, type MotoServer } from "../weights/tests/helpers/moto.ts";

const offline = offlineMissing();
const moto = hasMoto();
const gcs = hasGcsEmulator();
if (offline.length > 0) console.warn(`ts/tests/bucket-weights: skipping: missing ${offline.join(", ")}`);
if (!moto) console.warn("ts/tests/bucket-weights: skipping the s3:// set: moto_server (PyPI moto, installed by scripts/tools) not on PATH");
if (!gcs) console.warn("ts/tests/bucket-weights: skipping the gs:// set: gcp-storage-emulator (PyPI, installed by scripts/tools) not on PATH");
const chroot = chrootMissing();
if (chroot.length > 0) console.warn(`ts/tests/bucket-weights: not running the image: missing ${chroot.join(", ")}`);

const PREDICT = `import os

from cog import BasePredictor


class Predictor(BasePredictor):
    def setup(self) -> None:
        self.greetings = ""
        for name in ("s3", "gs"):
            path = f"/src/weights/{name}/{name}-greeting.txt"
            if os.path.exists(path):
                with open(path) as f:
                    self.greetings += f.read()

    def predict(self) -> str:
        return self.greetings
`;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
// New bytes every run: a fixed-output path already in the store would never be fetched again.
const s3Bytes = Buffer.from(`from the S3 bucket ${randomBytes(8).toString("hex")}\n`);
const gsBytes = Buffer.from(`from the Cloud Storage bucket ${randomBytes(8).toString("hex")}\n`);

/** Runs a command without blocking this process (the servers' output pipes must keep draining). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ status: code ?? 1, stdout, stderr }));
  });
}

const cognix = (args: string[], cwd: string, env: NodeJS.ProcessEnv): ReturnType<typeof run> =>
  run(join(repo, "node_modules", ".bin", "tsx"), [join(repo, "ts", "cli.ts"), ...args], cwd, env);

const nixEnv = { NIX_CONFIG: `experimental-features = nix-command flakes\n${process.env["NIX_CONFIG"] ?? ""}` };

/** `"GET /path HTTP/1.1"` lines a server logged. */
const gets = (log: string, path: string): number => log.split("\n").filter((l) => l.includes(`"GET ${path} HTTP/1.1" 200`)).length;

describe.skipIf(offline.length > 0 || (!moto && !gcs))("build-time weights from S3 and Cloud Storage buckets", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cognix-bucket-weights-"));
  const dir = join(tmp, "model");
  let s3: MotoServer | undefined;
  let emu: GcsEmulator | undefined;
  let lock: { sets: Record<string, { files: { path: string; sha256: string; urls: string[] }[] }> };
  /** The image's closure, and each weight set's store path in it. */
  let closure: string[] = [];
  let link = "";
  let logsBeforeBuild = { s3: "", gs: "" };

  beforeAll(async () => {
    const weights: string[] = [];
    const env: NodeJS.ProcessEnv = {};
    if (moto) {
      s3 = await startMoto(false);
      await s3.client.createBucket("public");
      await s3.client.putObject("public", "models/s3-greeting.txt", s3Bytes, {}, "public-read");
      weights.push("  - name: from-s3\n    target: /src/weights/s3\n    source:\n      uri: s3://public/models/s3-greeting.txt");
      Object.assign(env, { AWS_ENDPOINT_URL: s3.endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1" });
    }
    if (gcs) {
      emu = await startGcsEmulator();
      await emu.createBucket("weights");
      await emu.put("weights", "models/gs-greeting.txt", gsBytes);
      weights.push("  - name: from-gs\n    target: /src/weights/gs\n    source:\n      uri: gs://weights/models/gs-greeting.txt");
      env["STORAGE_EMULATOR_HOST"] = emu.host;
    }
    mkdirSync(dir);
    writeFileSync(join(dir, "cog.yaml"), `build:\n  python_version: "3.11"\nweights:\n${weights.join("\n")}\npredict: "predict.py:Predictor"\n`);
    writeFileSync(join(dir, "predict.py"), PREDICT);
    for (const args of [["generate", "."], ["lock", "."]]) {
      const r = await cognix(args, dir, env);
      if (r.status !== 0) throw new Error(`cognix ${args.join(" ")}: ${r.stderr}`);
    }
    lock = JSON.parse(readFileSync(join(dir, "weights.lock.json"), "utf8")) as typeof lock;
    logsBeforeBuild = { s3: s3?.log() ?? "", gs: emu?.log() ?? "" };

    fetchWheels(dir);
    link = join(tmp, "result");
    const b = await run("nix", ["build", ...offlineBuildArgs(dir), "image", "-o", link], tmp, nixEnv);
    if (b.status !== 0) throw new Error(`nix build of ${dir} failed:\n${b.stderr}`);
    const q = await run("nix-store", ["--query", "--requisites", link], tmp);
    if (q.status !== 0) throw new Error(`nix-store --query --requisites ${link}: ${q.stderr}`);
    closure = q.stdout.trim().split("\n");
  }, 1_800_000);

  afterAll(async () => {
    await Promise.all([s3?.stop(), emu?.stop()]);
    rmSync(tmp, { recursive: true, force: true });
  });

  /** The set's store path in the image's closure, and the locked file in it. */
  function inImage(set: string, file: string): Buffer {
    const paths = closure.filter((p) => p.endsWith(`-cognix-weights-${set}`));
    expect(paths, `cognix-weights-${set} in the image's closure`).toHaveLength(1);
    return readFileSync(join(paths[0]!, file));
  }

  it.skipIf(!moto)("an s3:// set: locked through the S3 API, fetched by fetchurl from the bucket's URL into the image", () => {
    expect(lock.sets["from-s3"]!.files).toEqual([
      { path: "s3-greeting.txt", size: s3Bytes.length, sha256: sha(s3Bytes), urls: [`${s3!.endpoint}/public/models/s3-greeting.txt`] },
    ]);
    // One more GET of the object than the lock made: the build's.
    expect(gets(s3!.log(), "/public/models/s3-greeting.txt")).toBe(gets(logsBeforeBuild.s3, "/public/models/s3-greeting.txt") + 1);
    const got = inImage("from-s3", "s3-greeting.txt");
    expect(sha(got)).toBe(sha(s3Bytes));
    expect(got.equals(s3Bytes)).toBe(true);
  });

  it.skipIf(!gcs)("a gs:// set: locked through the JSON API, fetched by fetchurl from the object's public URL into the image", () => {
    expect(lock.sets["from-gs"]!.files).toEqual([
      { path: "gs-greeting.txt", size: gsBytes.length, sha256: sha(gsBytes), urls: [`http://${emu!.host}/weights/models/gs-greeting.txt`] },
    ]);
    expect(gets(logsBeforeBuild.gs, "/weights/models/gs-greeting.txt")).toBe(0);
    expect(gets(emu!.log(), "/weights/models/gs-greeting.txt")).toBe(1);
    const got = inImage("from-gs", "gs-greeting.txt");
    expect(sha(got)).toBe(sha(gsBytes));
    expect(got.equals(gsBytes)).toBe(true);
  });

  it.skipIf(chroot.length > 0)("the model reads both files at their targets in the running image", async () => {
    const oci = join(tmp, "oci");
    const o = await run(link, ["oci", oci], tmp);
    expect(o.status, o.stderr).toBe(0);
    const image = await startChroot({ ociDir: oci, tag: "latest", bundleDir: join(tmp, "bundle") });
    try {
      await waitReady(image.base, 120_000, 200).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${image.logs()}`);
      });
      const prediction = await runPrediction(image.base, {});
      expect(prediction.output).toBe(`${moto ? s3Bytes.toString() : ""}${gcs ? gsBytes.toString() : ""}`);
    } finally {
      await image.stop();
    }
  }, 600_000);
});
