// A stub-package image with build-time weights: the weight set is a layer of
// its own, and changing predict.py leaves that layer's digest unchanged.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasNix, inputAvailable } from "../../../ts/testkit/nix-eval.ts";
import { startRangeServer, type RangeServer } from "../../../ts/weights/tests/helpers/range-server.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..", "..");
const typescriptDir = join(repo, "node_modules", "typescript");
const fixture = join(repo, "lib", "tests", "fixtures", "weights-model");

const missing = [
  hasNix() ? null : "nix",
  hasNix() && !inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib") ? "the nixpkgs-lib flake input in the Nix store" : null,
  existsSync(join(repo, "ts", "image", "main.ts")) ? null : "the image tool sources (ts/image/main.ts)",
  existsSync(join(typescriptDir, "bin", "tsc")) ? null : "node_modules/typescript",
  existsSync("/usr/bin/busybox") ? null : "/usr/bin/busybox (apt package busybox-static)",
  existsSync(join(fixture, "cognix.json")) ? null : "lib/tests/fixtures/weights-model",
  spawnSync("tar", ["--version"], { stdio: "ignore" }).status === 0 ? null : "tar",
].filter((m): m is string => m !== null);
if (missing.length > 0) console.warn(`lib/weights: skipping the weight-layer image test: missing ${missing.join(", ")}`);

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

interface Layer {
  digest: string;
  entries: string[];
}

describe.skipIf(missing.length > 0)("build-time weights in a stub-package image", () => {
  let tmp = "";
  let server: RangeServer;
  // Unique per run, so the fixed-output fetch really runs.
  const model = randomBytes(100_000);
  const config = Buffer.from(JSON.stringify({ run: randomBytes(8).toString("hex") }));

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "cognix-weights-layer-"));
    server = await startRangeServer({ "/model.bin": model, "/config.json": config });
  });
  afterAll(async () => {
    await server?.close();
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  function modelDir(name: string, predict: string): string {
    const d = join(tmp, name);
    mkdirSync(d);
    cpSync(fixture, d, { recursive: true });
    const cognix = JSON.parse(readFileSync(join(d, "cognix.json"), "utf8")) as Record<string, unknown>;
    const source = "https://weights.test/base";
    cognix.weights = [{ name: "base", source, target: "/src/weights" }];
    writeFileSync(join(d, "cognix.json"), `${JSON.stringify(cognix, null, 2)}\n`);
    const files = [
      { path: "unet/model.bin", size: model.length, sha256: sha(model), urls: [`${server.url}/model.bin`] },
      { path: "config.json", size: config.length, sha256: sha(config), urls: [`${server.url}/config.json`] },
    ];
    writeFileSync(join(d, "weights.lock.json"), JSON.stringify({ formatVersion: 1, sets: { base: { source, include: [], exclude: [], files } } }));
    writeFileSync(join(d, "predict.py"), predict);
    return d;
  }

  async function imageLayers(src: string, name: string): Promise<Layer[]> {
    const expr = `
      let
        h = import ${join(repo, "lib/tests/harness.nix")} { typescriptDir = "${typescriptDir}"; };
        pkgs = import ${join(here, "stub-extras.nix")} { stub = h.stub; };
      in h.cognix.mkCogImage {
        inherit pkgs;
        src = ${src};
        modules = [{ python.venv = h.stub.fakePython; python.pipFreeze = "pillow==10.4.0"; }];
      }`;
    const result = join(tmp, `result-${name}`);
    const env = { ...process.env, NIX_CONFIG: `experimental-features = nix-command flakes\n${process.env.NIX_CONFIG ?? ""}` };
    const b = await run("nix", ["build", "--offline", "--impure", "-o", result, "--expr", expr], env);
    if (b.code !== 0) throw new Error(`nix build failed:\n${b.stderr}`);
    const oci = join(tmp, `oci-${name}`);
    const o = await run(result, ["oci", oci]);
    if (o.code !== 0) throw new Error(`./result oci failed:\n${o.stderr}`);
    const index = JSON.parse(readFileSync(join(oci, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    const blob = (d: string): string => join(oci, "blobs", ...d.split(":"));
    const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), "utf8")) as { layers: { digest: string }[] };
    return Promise.all(
      manifest.layers.map(async (l) => {
        const t = await run("tar", ["-tf", blob(l.digest)]);
        if (t.code !== 0) throw new Error(`tar -tf ${l.digest}: ${t.stderr}`);
        return { digest: l.digest, entries: t.stdout.split("\n").filter((e) => e !== "") };
      }),
    );
  }

  it("keeps the weight layer's digest when predict.py changes", async () => {
    const predict = readFileSync(join(fixture, "predict.py"), "utf8");
    const a = await imageLayers(modelDir("a", predict), "a");
    const b = await imageLayers(modelDir("b", predict.replace("hello", "goodbye")), "b");
    const weightLayer = (layers: Layer[]): Layer[] => layers.filter((l) => l.entries.some((e) => /nix\/store\/[0-9a-z]{32}-cognix-weights-base/.test(e)));
    const wa = weightLayer(a);
    const wb = weightLayer(b);
    expect(wa).toHaveLength(1);
    // Its own layer: only the weight set's store path (and the directories above it).
    const own = wa[0]!.entries.filter((e) => !/^\.?\/?(nix\/?|nix\/store\/?)$/.test(e));
    expect(own.every((e) => /nix\/store\/[0-9a-z]{32}-cognix-weights-base/.test(e))).toBe(true);
    expect(own.some((e) => e.endsWith("unet/model.bin"))).toBe(true);
    expect(wb.map((l) => l.digest)).toEqual(wa.map((l) => l.digest));
    // The code did change: the layer holding predict.py differs.
    const srcLayer = (layers: Layer[]): string | undefined => layers.find((l) => l.entries.some((e) => e.endsWith("src/predict.py")))?.digest;
    expect(srcLayer(a)).toBeDefined();
    expect(srcLayer(b)).not.toBe(srcLayer(a));
  });
});
