// Weights fetched at run time: a model whose weight set is in `runtime` mode
// gets the downloader in front of Cog's server; started under chroot, it
// fetches the file from a loopback server (the URL `cognix lock` recorded,
// with its sha256) before setup() reads it.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPrediction, waitReady } from "../commands/predict-http.ts";
import { chrootMissing, startChroot } from "../runtime/chroot.ts";
import { buildOffline, offlineMissing, repo } from "../testkit/offline.ts";

const missing = [...offlineMissing(), ...chrootMissing()];
if (missing.length > 0) console.warn(`ts/tests/runtime-weights: skipping: missing ${missing.join(", ")}`);

const WEIGHT = "bonjour from the weights server\n";

const PREDICT = `from cog import BasePredictor


class Predictor(BasePredictor):
    def setup(self) -> None:
        with open("/src/weights/greeting/greeting.txt") as f:
            self.greeting = f.read().strip()

    def predict(self) -> str:
        return self.greeting
`;

/** Runs cognix without blocking: the weights server lives in this process. */
function cognix(args: string[], cwd: string): Promise<{ status: number; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(join(repo, "node_modules", ".bin", "tsx"), [join(repo, "ts", "cli.ts"), ...args], {
      cwd,
      env: { ...process.env, PATH: `${join(repo, ".tools", "bin")}:${process.env["PATH"] ?? ""}` },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ status: code ?? 1, stderr }));
  });
}

describe.skipIf(missing.length > 0)("weights fetched at run time", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cognix-runtime-weights-"));
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url !== "/w/greeting.txt") return void res.writeHead(404).end();
    res.writeHead(200, { "content-length": Buffer.byteLength(WEIGHT) }).end(req.method === "HEAD" ? undefined : WEIGHT);
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    rmSync(tmp, { recursive: true, force: true });
  });

  it("downloads the locked file from the loopback server before setup() reads it", async () => {
    const dir = join(tmp, "greeter");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "cog.yaml"),
      `build:
  python_version: "3.11"
weights:
  - name: greeting
    target: /src/weights/greeting
    source:
      uri: http://127.0.0.1:${port}/w/greeting.txt
predict: "predict.py:Predictor"
`,
    );
    writeFileSync(join(dir, "predict.py"), PREDICT);
    writeFileSync(join(dir, "module.nix"), "{ weights.defaultMode = \"runtime\"; }\n");
    for (const args of [["generate", "."], ["lock", "."]]) {
      const r = await cognix(args, dir);
      expect(r.status, r.stderr).toBe(0);
    }
    const lock = JSON.parse(readFileSync(join(dir, "weights.lock.json"), "utf8")) as unknown;
    expect(JSON.stringify(lock)).toContain(`http://127.0.0.1:${port}/w/greeting.txt`);
    const atLock = requests.length;
    expect(atLock).toBeGreaterThan(0);

    const result = buildOffline(dir, join(tmp, "result"));
    const oci = join(tmp, "oci");
    expect(spawnSync(result, ["oci", oci]).status).toBe(0);
    // Nothing fetched it at build time: it is a run-time set.
    expect(requests.length).toBe(atLock);

    const image = await startChroot({ ociDir: oci, tag: "latest", bundleDir: join(tmp, "bundle") });
    try {
      await waitReady(image.base, 120_000, 200).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${image.logs()}`);
      });
      expect(requests.slice(atLock)).toContain("GET /w/greeting.txt");
      const prediction = await runPrediction(image.base, {});
      expect(prediction.output).toBe(WEIGHT.trim());
      expect(readFileSync(join(image.rootfs, "src", "weights", "greeting", "greeting.txt"), "utf8")).toBe(WEIGHT);
    } finally {
      await image.stop();
    }
  }, 900_000);
});
