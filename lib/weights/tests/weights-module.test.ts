// modules/weights and lib/weights/*.nix: lib-only evaluation with a recording
// package set, then real builds with the stub package set (fixed-output
// fetches from a loopback server) and the push-weights app.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newAjv } from "../../../ts/schema/ajv-setup.ts";
import { hasNix, inputAvailable, nix, nixEvalExpr } from "../../../ts/testkit/nix-eval.ts";
import { startRangeServer, type RangeServer } from "../../../ts/weights/tests/helpers/range-server.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..", "..");
const nixOk = hasNix();
const libOk = nixOk && inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib");
if (!nixOk) console.warn("lib/weights: skipping Nix tests: `nix` is not installed");
else if (!libOk) console.warn("lib/weights: skipping Nix tests: flake input nixpkgs-lib is not in the Nix store");

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const evalNix = join(here, "eval.nix");

function evalJson(args = ""): unknown {
  const r = nixEvalExpr(`import ${evalNix} { ${args} }`);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as unknown;
}

function evalError(args: string): string {
  const r = nixEvalExpr(`import ${evalNix} { ${args} }`);
  expect(r.status).not.toBe(0);
  return r.stderr;
}

interface Evaluated {
  sets: Record<string, { mode: string; files: string[] }>;
  buildTimePaths: { name: string; target: string; drvName: string; script: string }[];
  fetches: { name: string; sha256: string; urls: string[] }[];
  runtimeManifestData: { formatVersion: number; sets: { name: string; target: string; files: { path: string; urls: string[] }[] }[] };
  manifestText: string | null;
  environment: Record<string, string>;
  launcher: string[];
  srcFiles: string[];
  ownLayers: string[];
  links: { path: string; target: string }[];
  hasRuntime: boolean;
}

describe.skipIf(!libOk)("modules/weights (lib only)", () => {
  const lock = JSON.parse(readFileSync(join(here, "fixtures", "weights.lock.json"), "utf8")) as {
    sets: Record<string, { files: { path: string; sha256: string; urls: string[] }[] }>;
  };

  it("turns build-time sets into fixed-output fetches joined under one store path", () => {
    const r = evalJson() as Evaluated;
    expect(r.sets.base!.mode).toBe("build");
    expect(r.buildTimePaths.map((b) => [b.name, b.target, b.drvName])).toEqual([["base", "/src/weights", "cognix-weights-base"]]);
    // The image links it at its target and gives it a layer of its own.
    expect(r.links).toEqual([{ path: "/src/weights", target: `/nix/store/${"0".repeat(32)}-cognix-weights-base` }]);
    expect(r.ownLayers).toEqual(["cognix-weights-base"]);
    const files = lock.sets.base!.files;
    expect(r.fetches).toEqual(files.map((f) => ({ name: f.path.split("/").pop(), sha256: f.sha256, urls: f.urls })));
    // Every locked file is copied to its path under $out, sorted by path.
    expect(r.buildTimePaths[0]!.script).toMatch(/cp \/nix\/store\/0{32}-config\.json "\$out"\/config\.json[\s\S]*mkdir -p "\$out"\/unet\ncp \/nix\/store\/0{32}-model\.safetensors "\$out"\/unet\/model\.safetensors/);
  });

  it("quotes every path from the lock for the shell", () => {
    const dir = mkdtempSync(join(tmpdir(), "cognix-weights-quote-"));
    try {
      const file = join(dir, "lock.json");
      const files = [{ path: "d=1/a~b.bin", size: 1, sha256: "1".repeat(64), urls: ["https://example.com/x"] }];
      const sets = { base: { source: "https://example.com/base", include: [], exclude: [], files }, lora: { source: "https://example.com/lora", include: [], exclude: [], files } };
      writeFileSync(file, JSON.stringify({ formatVersion: 1, sets }));
      const declared = `[ { name = "base"; source = "https://example.com/base"; target = "/w"; } { name = "lora"; source = "https://example.com/lora"; target = "/l"; } ]`;
      const r = evalJson(`lockFile = ${file}; declared = ${declared};`) as Evaluated;
      expect(r.buildTimePaths[0]!.script).toMatch(/mkdir -p "\$out"\/'d=1'\ncp \/nix\/store\/0{32}-a-b\.bin "\$out"\/'d=1\/a~b\.bin'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lists run-time sets in a manifest file and wires the downloader", () => {
    const r = evalJson() as Evaluated;
    expect(r.runtimeManifestData.sets.map((s) => [s.name, s.target, s.files.map((f) => f.path)])).toEqual([["lora", "/src/lora", ["lora.bin"]]]);
    expect(r.runtimeManifestData.sets[0]!.files[0]!.urls).toEqual(lock.sets.lora!.files[0]!.urls);
    expect(JSON.parse(r.manifestText!)).toEqual(r.runtimeManifestData);
    expect(r.srcFiles).toEqual([".cog/weights.json", ".cog/weights_downloader.py"]);
    expect(r.environment).toEqual({
      COGNIX_WEIGHTS_DOWNLOADER: "/src/.cog/weights_downloader.py",
      COGNIX_WEIGHTS_MANIFEST: "/src/.cog/weights.json",
      COGNIX_WEIGHTS_ROOT: "/",
    });
    expect(r.launcher).toEqual(["python", "/src/.cog/weights_downloader.py", "--manifest", "/src/.cog/weights.json", "--"]);
  });

  it("writes the manifest schemas/weights-manifest.schema.json describes", () => {
    const schema = (name: string): object => JSON.parse(readFileSync(join(repo, "schemas", `${name}.schema.json`), "utf8")) as object;
    const ajv = newAjv();
    ajv.addSchema(schema("weights-lock"));
    const validate = ajv.compile(schema("weights-manifest"));
    const r = evalJson() as Evaluated;
    expect(validate(r.runtimeManifestData), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...r.runtimeManifestData, sets: [{ ...r.runtimeManifestData.sets[0], target: "/src/../etc" }] })).toBe(false);
  });

  it("adds nothing to the image without weights", () => {
    const r = evalJson("declared = []; lockFile = null; extra = { sets = {}; };") as Evaluated;
    expect(r.buildTimePaths).toEqual([]);
    expect(r.hasRuntime).toBe(false);
    expect(r.srcFiles).toEqual([]);
    expect(r.launcher).toEqual([]);
    expect(r.ownLayers).toEqual([]);
    expect(r.links).toEqual([]);
    expect(r.environment).toEqual({});
  });

  it("says to run `cognix lock` for an unlocked or stale set", () => {
    expect(evalError(`declared = [ { name = "lora"; source = "https://example.com/lora.bin"; target = "/l"; } { name = "new"; source = "hf://a/b@main"; target = "/n"; } ];`)).toContain(
      "set 'new' is not in weights.lock.json; run `cognix lock`",
    );
    expect(evalError(`declared = [ { name = "lora"; source = "https://example.com/other.bin"; target = "/l"; } ];`)).toContain(
      "weights.lock.json: sets.lora was locked for another source/include/exclude; run `cognix lock`",
    );
  });

  describe("rejects unsafe paths", () => {
    const dir = mkdtempSync(join(tmpdir(), "cognix-weights-nix-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const badLock = (path: string): string => {
      const file = join(dir, `${sha(Buffer.from(path)).slice(0, 8)}.json`);
      const l = { formatVersion: 1, sets: { lora: { source: "https://example.com/lora.bin", include: [], exclude: [], files: [{ path, size: 1, sha256: "1".repeat(64), urls: ["https://example.com/x"] }] } } };
      writeFileSync(file, JSON.stringify(l));
      return file;
    };
    for (const [path, msg] of [
      ["../escape", "has an empty, '.' or '..' segment"],
      ["a/../../escape", "has an empty, '.' or '..' segment"],
      ["/etc/passwd", "must be relative"],
      ["x$(touch pwned).bin", "has characters other than"],
      ["a`id`/b", "has characters other than"],
      ["a b", "has characters other than"],
    ] as const) {
      it(`in the lock: ${path}`, () => {
        expect(evalError(`lockFile = ${badLock(path)}; declared = [ { name = "lora"; source = "https://example.com/lora.bin"; target = "/l"; } ];`)).toContain(
          `path '${path}' ${msg}`,
        );
      });
    }
    it("in a target", () => {
      expect(evalError(`extra = { sets.lora.target = "/src/../etc"; };`)).toContain("target '/src/../etc' has an empty, '.' or '..' segment");
    });
  });
});

describe.skipIf(!libOk)("modules/weights built with the stub package set", () => {
  let dir: string;
  let server: RangeServer;
  let corrupt: RangeServer;
  const model = randomBytes(200_000);
  const config = randomBytes(64);
  // Bytes no other build has fetched, so no existing fixed output satisfies the hash.
  const unseen = randomBytes(100_000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cognix-weights-build-"));
    server = await startRangeServer({ "/model.bin": model, "/config.json": config });
    corrupt = await startRangeServer({ "/model.bin": unseen, "/config.json": unseen }, { corrupt: true });
  });
  afterAll(async () => {
    await Promise.all([server?.close(), corrupt?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  function writeLockFor(name: string, base: string, m = model, c = config): string {
    const file = join(dir, `${name}.lock.json`);
    const files = [
      { path: "unet/model.bin", size: m.length, sha256: sha(m), urls: [`${base}/model.bin`] },
      { path: "config.json", size: c.length, sha256: sha(c), urls: [`${base}/config.json`] },
    ];
    writeFileSync(file, JSON.stringify({ formatVersion: 1, sets: { base: { source: `${base}/x`, include: [], exclude: [], files } } }));
    return file;
  }

  /**
   * `nix build` of an expression, run asynchronously: the fetches talk to the
   * loopback servers in this process. Returns the output path (nix 2.8 has no --print-out-paths).
   */
  function build(expr: string): Promise<{ status: number; stderr: string; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn("nix", ["build", "--offline", "--impure", "--no-link", "--json", "--expr", expr], {
        env: { ...process.env, NIX_CONFIG: `experimental-features = nix-command flakes\n${process.env.NIX_CONFIG ?? ""}` },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        const out = code === 0 ? ((JSON.parse(stdout) as { outputs: { out: string } }[])[0]?.outputs.out ?? "") : "";
        resolve({ status: code ?? 1, stderr, out });
      });
    });
  }

  function setExpr(lockFile: string, extraModule = "{ }"): string {
    return `
      let
        h = import ${join(repo, "lib/tests/harness.nix")} { };
        pkgs = import ${join(here, "stub-extras.nix")} { stub = h.stub; };
        ev = import ${join(repo, "lib/tests/module-eval.nix")} {
          inherit (h) lib;
          inherit pkgs;
          modules = [ ${join(repo, "modules/weights")} { weights.lockFile = ${lockFile}; weights.declared = [ { name = "base"; source = (builtins.fromJSON (builtins.readFile ${lockFile})).sets.base.source; target = "/src/weights"; } ]; } (${extraModule}) ];
        };
      in (builtins.head ev.config.weights.buildTimePaths).path`;
  }

  it("fetches each file with its sha256 and joins them under the target layout", async () => {
    const lockFile = writeLockFor("good", server.url);
    const r = await build(setExpr(lockFile));
    expect(r.stderr.includes("error:") ? r.stderr : "").toBe("");
    const out = r.out;
    expect(readFileSync(join(out, "unet/model.bin")).equals(model)).toBe(true);
    expect(readFileSync(join(out, "config.json")).equals(config)).toBe(true);
    expect(readdirSync(out).sort()).toEqual(["config.json", "unet"]);
  });

  it("never runs a command hidden in a locked file name", async () => {
    const file = join(dir, "hostile.lock.json");
    const files = [{ path: "x$(cd $out;touch pwned).bin", size: config.length, sha256: sha(config), urls: [`${server.url}/config.json`] }];
    writeFileSync(file, JSON.stringify({ formatVersion: 1, sets: { base: { source: `${server.url}/x`, include: [], exclude: [], files } } }));
    const r = await build(setExpr(file));
    if (r.out !== "") expect(readdirSync(r.out)).not.toContain("pwned");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("weights.lock.json: sets.base: path 'x$(cd $out;touch pwned).bin' has characters other than");
  });

  it("keeps the set's store path when anything but its locked files changes", () => {
    const lockFile = writeLockFor("same", server.url);
    const drv = (extra: string): string => {
      const r = nix(["eval", "--offline", "--impure", "--raw", "--expr", `(${setExpr(lockFile, extra)}).drvPath`]);
      if (r.status !== 0) throw new Error(r.stderr);
      return r.stdout;
    };
    const a = drv("{ }");
    expect(drv(`{ weights.manifestPath = "/elsewhere.json"; weights.sets.extra = { source = "https://e/x"; target = "/x"; mode = "runtime"; }; }`)).toBe(a);
    // Another file's hash is another store path.
    const other = writeLockFor("other", server.url);
    const lock = JSON.parse(readFileSync(other, "utf8")) as { sets: { base: { files: { sha256: string }[] } } };
    lock.sets.base.files[1]!.sha256 = "0".repeat(64);
    writeFileSync(other, JSON.stringify(lock));
    const r = nix(["eval", "--offline", "--impure", "--raw", "--expr", `(${setExpr(other)}).drvPath`]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toBe(a);
  });

  it("fails the build when the downloaded bytes do not match the lock", async () => {
    const lockFile = writeLockFor("corrupt", corrupt.url, unseen, unseen);
    const r = await build(setExpr(lockFile));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/hash mismatch in fixed-output derivation/);
  });

  it("builds the push-weights app around the cognix tool", async () => {
    const expr = `
      let
        h = import ${join(repo, "lib/tests/harness.nix")} { };
        pkgs = import ${join(here, "stub-extras.nix")} { stub = h.stub; };
        cognixTool = pkgs.runCommand "fake-cognix" { } ''
          mkdir -p $out/bin
          printf '#!/bin/sh\\necho "cognix $*"\\n' > $out/bin/cognix
          chmod +x $out/bin/cognix
        '';
      in import ${join(repo, "lib/weights/push-app.nix")} { inherit pkgs cognixTool; inherit (h) lib; manifest = "weights.lock.json"; sets = [ "lora" ]; }`;
    const r = await build(expr);
    expect(r.stderr.includes("error:") ? r.stderr : "").toBe("");
    const app = join(r.out, "bin", "push-weights");
    const out = spawnSync(app, ["--to", "s3://bucket/models"], { encoding: "utf8" });
    expect(out.stdout.trim()).toBe("cognix push-weights --lock weights.lock.json --set lora --to s3://bucket/models");
    const env = spawnSync(app, ["--json"], { encoding: "utf8", env: { ...process.env, COGNIX_WEIGHTS_LOCK: "/m/weights.lock.json" } });
    expect(env.stdout.trim()).toBe("cognix push-weights --lock /m/weights.lock.json --set lora --json");
  });
});
