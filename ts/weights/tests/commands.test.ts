import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { readLock, validateLock } from "../lock-file.ts";
import { processContext } from "../../cli/context.ts";
import { runCommandLine } from "../../cli/program.ts";
import type { CommandSpec } from "../../cli/spec.ts";
import { lockWeightsCommand } from "../lock-command.ts";
import { pushWeightsCommand } from "../push-command.ts";
import { startRangeServer, type RangeServer } from "./helpers/range-server.ts";
import { haveTool, REGISTRY_BIN, startRegistry, type RunningRegistry } from "../../testkit/registry.ts";

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const registryAvailable = haveTool(REGISTRY_BIN);
if (!registryAvailable) console.warn(`skipping push-weights to a registry: ${REGISTRY_BIN} is missing`);

/** A command line of the tool, run where `cwd` says (default: here). */
function tool(spec: CommandSpec, argv: string[], cwd?: string): Promise<number> {
  return runCommandLine("cognix", spec, argv, { ...processContext(), ...(cwd !== undefined ? { cwd } : {}) });
}

/** Runs a command capturing what it writes. */
async function capture(fn: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    return { code: await fn(), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("cognix lock-weights / push-weights commands", () => {
  let dir: string;
  let server: RangeServer;
  const a = randomBytes(10_000);
  const b = Buffer.from("tokenizer");

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cognix-weights-cli-"));
    server = await startRangeServer({ "/a.bin": a, "/tok.json": b });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => vi.restoreAllMocks());

  function model(name: string, weights: unknown): string {
    const d = join(dir, name);
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "cognix.json"), JSON.stringify({ formatVersion: 1, weights }));
    return d;
  }

  it("writes a deterministic weights.lock.json beside cognix.json", async () => {
    const d = model("m1", [
      { name: "tok", source: `${server.url}/tok.json`, target: "/src/tok" },
      { name: "a", source: `${server.url}/a.bin`, target: "/src/a" },
    ]);
    const r = await capture(() => tool(lockWeightsCommand, ["--config", join(d, "cognix.json"), "--json"]));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, lockFile: join(d, "weights.lock.json"), files: { a: 1, tok: 1 }, notes: [] });
    const first = readFileSync(join(d, "weights.lock.json"), "utf8");
    expect(readLock(join(d, "weights.lock.json")).sets.a!.files[0]).toEqual({ path: "a.bin", size: a.length, sha256: sha(a), urls: [`${server.url}/a.bin`] });
    // Sorted keys, two-space indent, trailing newline: the sets come out a, tok.
    expect(first.indexOf('"a"')).toBeLessThan(first.indexOf('"tok"'));
    expect(first.endsWith("}\n")).toBe(true);

    const again = await capture(() => tool(lockWeightsCommand, ["--config", join(d, "cognix.json"), "--update", "--json"]));
    expect(again.code).toBe(0);
    expect(readFileSync(join(d, "weights.lock.json"), "utf8")).toBe(first);
    expect(readdirSync(d).sort()).toEqual(["cognix.json", "weights.lock.json"]);
  });

  it("reports bad weight entries with file and key, writing nothing", async () => {
    const d = model("bad", [{ name: "Bad Name", source: "ftp://x", target: "relative" }]);
    const r = await capture(() => tool(lockWeightsCommand, ["--config", join(d, "cognix.json")]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(d, "cognix.json")}: weights[0].name: must match`);
    expect(r.stderr).toContain(`${join(d, "cognix.json")}: weights[0].target: must be an absolute directory`);
    expect(readdirSync(d)).toEqual(["cognix.json"]);

    const d2 = model("bad2", [{ name: "x", source: "ftp://x/y", target: "/x" }]);
    const r2 = await capture(() => tool(lockWeightsCommand, ["--config", join(d2, "cognix.json"), "--json"]));
    expect(r2.code).toBe(1);
    expect(JSON.parse(r2.stdout).errors[0]).toMatch(/weights\[0\]\.source: unsupported weights source/);
  });

  it("fails a lock whose download breaks, naming the URL, and keeps the old lock", async () => {
    const d = model("m404", [{ name: "gone", source: `${server.url}/gone.bin`, target: "/g" }]);
    const old = '{\n  "formatVersion": 1,\n  "sets": {}\n}\n';
    writeFileSync(join(d, "weights.lock.json"), old);
    const r = await capture(() => tool(lockWeightsCommand, ["--config", join(d, "cognix.json")]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`hashing ${server.url}/gone.bin: download: HTTP 404`);
    expect(readFileSync(join(d, "weights.lock.json"), "utf8")).toBe(old);
  });

  it("validates a lock file with key paths", () => {
    expect(() =>
      validateLock({ formatVersion: 1, sets: { x: { source: "s", include: [], exclude: [], files: [{ path: "../x", size: -1, sha256: "z", urls: [] }] } } }, "weights.lock.json"),
    ).toThrow(
      [
        'weights.lock.json: sets.x.files[0].path: "../x" has an empty, \'.\' or \'..\' segment',
        "weights.lock.json: sets.x.files[0].size: must be a non-negative integer",
        "weights.lock.json: sets.x.files[0].sha256: must be 64 lowercase hex digits",
        "weights.lock.json: sets.x.files[0].urls: must be a non-empty list of strings",
      ].join("\n"),
    );
    expect(() => validateLock({ formatVersion: 2, sets: {} }, "f")).toThrow("f: formatVersion: must be 1");
  });

  it("push-weights rejects a bad destination or a missing lock", async () => {
    const r = await capture(() => tool(pushWeightsCommand, ["--to", "https://example.com/x", "--lock", join(dir, "none.json")]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--to: expected s3://bucket/prefix, gs://bucket/prefix or oci://host/repository");
    const r2 = await capture(() => tool(pushWeightsCommand, ["--to", "s3://bucket/p", "--lock", join(dir, "none.json")]));
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`${join(dir, "none.json")}: cannot read`);
    const r3 = await capture(() => tool(pushWeightsCommand, ["--bogus"]));
    expect(r3.code).toBe(2);
    expect(r3.stderr).toBe("error: unknown option --bogus\n\nUsage: cognix push-weights [options]\nRun `cognix push-weights --help` for the options.\n");
  });

  it("lock-weights and push-weights find the model from a subdirectory; a model with no weights says so", async () => {
    const d = model("walk", [{ name: "tok", source: `${server.url}/tok.json`, target: "/src/tok" }]);
    writeFileSync(join(d, "cog.yaml"), "build:\n  python_version: \"3.12\"\n");
    const sub = join(d, "src", "deep");
    mkdirSync(sub, { recursive: true });
    const locked = await capture(() => tool(lockWeightsCommand, ["--json"], sub));
    expect([locked.code, locked.stderr]).toEqual([0, ""]);
    expect(JSON.parse(locked.stdout)).toMatchObject({ lockFile: join(d, "weights.lock.json"), files: { tok: 1 } });
    // No --lock: the model's weights.lock.json, found from below and read (its sets are known).
    const push = await capture(() => tool(pushWeightsCommand, ["--to", "s3://bucket/p", "--set", "nosuch"], sub));
    expect([push.code, push.stderr]).toEqual([1, "error: sets.nosuch: no such weight set in the lock\n"]);

    const none = model("none", []);
    writeFileSync(join(none, "cog.yaml"), "build:\n  python_version: \"3.12\"\n");
    mkdirSync(join(none, "sub"));
    const r = await capture(() => tool(pushWeightsCommand, ["--to", "s3://bucket/p"], join(none, "sub")));
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe("error: ../cognix.json: the model declares no weights, so there is nothing to push (cog.yaml `weights:` declares them)\n");
  });

  it("push-weights -h prints the usage on stdout and exits 0, like --help", async () => {
    for (const flag of ["-h", "--help"]) {
      const r = await capture(() => tool(pushWeightsCommand, [flag]));
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toMatch(/^Usage: cognix push-weights \[options\]\n/);
      expect(r.stdout).toMatch(/\n {6}--to URL +s3:\/\/bucket\/prefix/);
    }
  });

  it.skipIf(!registryAvailable)("push-weights --json pushes and rewrites the lock; a second run uploads nothing", async () => {
    let registry: RunningRegistry | null = null;
    try {
      registry = await startRegistry();
      const d = model("push", [{ name: "a", source: `${server.url}/a.bin`, target: "/src/a" }]);
      expect((await capture(() => tool(lockWeightsCommand, ["--config", join(d, "cognix.json")]))).code).toBe(0);
      const lockPath = join(d, "weights.lock.json");
      const to = `oci://${registry.host}/acme/w`;
      const r = await capture(() => tool(pushWeightsCommand, ["--to", to, "--lock", lockPath, "--json"]));
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { files: { uploaded: boolean; url: string }[]; manifests: { reference: string }[] };
      expect(out.files.map((f) => f.uploaded)).toEqual([true]);
      expect(out.manifests.map((m) => m.reference)).toEqual(["a"]);
      const blobUrl = `http://${registry.host}/v2/acme/w/blobs/sha256:${sha(a)}`;
      expect(readLock(lockPath).sets.a!.files[0]!.urls).toEqual([blobUrl, `${server.url}/a.bin`]);
      const lockBytes = readFileSync(lockPath, "utf8");
      const again = await capture(() => tool(pushWeightsCommand, ["--to", to, "--lock", lockPath, "--json"]));
      expect((JSON.parse(again.stdout) as { files: { uploaded: boolean }[] }).files.map((f) => f.uploaded)).toEqual([false]);
      expect(readFileSync(lockPath, "utf8")).toBe(lockBytes);
    } finally {
      await registry?.stop();
    }
  });
});
