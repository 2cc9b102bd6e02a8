import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GcsClient } from "../gcs/client.ts";
import { lockWeights } from "../lock.ts";
import { readLock, writeLock, type WeightsLock } from "../lock-file.ts";
import { processContext } from "../../cli/context.ts";
import { runCommandLine } from "../../cli/program.ts";
import { pushWeightsCommand } from "../push-command.ts";
import { pushWeights } from "../push.ts";
import { hasGcsEmulator, startGcsEmulator, type GcsEmulator } from "./helpers/gcs-emulator.ts";
import { findPython, runDownloader } from "./helpers/python.ts";
import { startRangeServer, type RangeServer } from "./helpers/range-server.ts";
import { startRecordingProxy, type RecordingProxy } from "./helpers/recording-proxy.ts";

const emulator = hasGcsEmulator();
if (!emulator) console.warn("skipping gs:// tests: gcp-storage-emulator (PyPI, installed by scripts/tools) not found on PATH");
const python = findPython();

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const TOKEN = "ya29.cognix-test-token";
const CHUNK = 256 << 10;
const big = randomBytes(2 * CHUNK + 90_000); // three chunks, the last one short
const cfg = Buffer.from(JSON.stringify({ hidden_size: 8 }));

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

describe.skipIf(!emulator)("gs:// weights against gcp-storage-emulator (Cloud Storage's JSON API)", () => {
  let emu: GcsEmulator;
  let proxy: RecordingProxy;
  let source: RangeServer;
  let lock: WeightsLock;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  /** The URL a lock records: the emulator's XML path, as storage.googleapis.com/<bucket>/<object> is. */
  const publicUrl = (name: string): string => `http://${proxy.host}/weights/${name}`;
  const seenSince = (n: number): string[] => proxy.requests.slice(n).map((r) => `${r.method} ${r.url} ${r.authorization ?? "-"}`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cognix-gcs-"));
    emu = await startGcsEmulator();
    await emu.createBucket("weights");
    // In front of the emulator: what cognix sends, as the emulator receives it.
    proxy = await startRecordingProxy(emu.host);
    env = { STORAGE_EMULATOR_HOST: proxy.host, GOOGLE_OAUTH_ACCESS_TOKEN: TOKEN };
    source = await startRangeServer({ "/big.bin": big, "/config.json": cfg });
    lock = await lockWeights(
      [
        { name: "big", source: `${source.url}/big.bin`, target: "/src/weights" },
        { name: "cfg", source: `${source.url}/config.json`, target: "/src/config" },
      ],
      null,
    );
  });
  afterAll(async () => {
    await Promise.all([proxy?.close(), source?.close(), emu?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("locks one object: size from its resource, sha256 by reading it with the bearer token", async () => {
    const tok = Buffer.from('{"tokenizer": true}');
    await emu.put("weights", "repo/tokenizer.json", tok);
    const since = proxy.requests.length;
    const got = await lockWeights([{ name: "one", source: "gs://weights/repo/tokenizer.json", target: "/w" }], null, { env });
    expect(got.sets.one!.files).toEqual([{ path: "tokenizer.json", size: tok.length, sha256: sha(tok), urls: [publicUrl("repo/tokenizer.json")] }]);
    expect(seenSince(since)).toEqual([
      `GET /storage/v1/b/weights/o/repo%2Ftokenizer.json Bearer ${TOKEN}`,
      `GET /storage/v1/b/weights/o/repo%2Ftokenizer.json?alt=media Bearer ${TOKEN}`,
    ]);
    // What the lock records serves the bytes to anyone (fetchurl, the image's downloader).
    expect(Buffer.from(await (await fetch(publicUrl("repo/tokenizer.json"))).arrayBuffer()).equals(tok)).toBe(true);
  });

  it("locks a prefix: sizes and metadata.sha256 from the listing; an object without it is read to hash it", async () => {
    const a = randomBytes(4096);
    const b = Buffer.from("tokenizer");
    await emu.put("weights", "repo/m1/a.safetensors", a, { sha256: sha(a) });
    await emu.put("weights", "repo/m1/sub/tokenizer.json", b);
    await emu.put("weights", "repo/m1/README.md", b);
    await emu.put("weights", "repo/m1/empty-folder/", Buffer.alloc(0));
    await emu.put("weights", "repo/m10/other.bin", b);
    const since = proxy.requests.length;
    const got = await lockWeights([{ name: "m1", source: "gs://weights/repo/m1", target: "/w", exclude: ["*.md"] }], null, { env });
    expect(got.sets.m1!.files).toEqual([
      { path: "a.safetensors", size: a.length, sha256: sha(a), urls: [publicUrl("repo/m1/a.safetensors")] },
      { path: "sub/tokenizer.json", size: b.length, sha256: sha(b), urls: [publicUrl("repo/m1/sub/tokenizer.json")] },
    ]);
    expect(seenSince(since)).toEqual([
      `GET /storage/v1/b/weights/o/repo%2Fm1 Bearer ${TOKEN}`,
      `GET /storage/v1/b/weights/o?prefix=repo%2Fm1%2F Bearer ${TOKEN}`,
      `GET /storage/v1/b/weights/o/repo%2Fm1%2Fsub%2Ftokenizer.json?alt=media Bearer ${TOKEN}`,
    ]);
  });

  it("names a missing object or bucket in the lock error", async () => {
    await expect(lockWeights([{ name: "x", source: "gs://weights/nothing/here", target: "/w" }], null, { env })).rejects.toThrow(
      "weights[0].source: gs://weights/nothing/here: no objects at gs://weights/nothing/here",
    );
    await expect(lockWeights([{ name: "x", source: "gs://no-such-bucket/x", target: "/w" }], null, { env })).rejects.toThrow(
      `weights[0].source: gs://no-such-bucket/x: list gs://no-such-bucket/x/: HTTP 404 from http://${proxy.host}/storage/v1/b/no-such-bucket/o?prefix=x%2F`,
    );
  });

  it("push-weights uploads in resumable chunks with metadata.sha256, then finds everything there", async () => {
    const since = proxy.requests.length;
    const first = await pushWeights(lock, { kind: "gs", bucket: "weights", prefix: "models/m" }, { env, partSize: CHUNK });
    expect(first.files.map((f) => [f.set, f.uploaded])).toEqual([
      ["big", true],
      ["cfg", true],
    ]);
    const bigKey = `models/m/sha256/${sha(big)}`;
    const anon = new GcsClient({ endpoint: emu.endpoint, token: null });
    expect(await anon.stat("weights", bigKey)).toEqual({ name: bigKey, size: big.length, sha256: sha(big) });
    expect(await anon.stat("weights", `models/m/sha256/${sha(cfg)}`)).toEqual({ name: `models/m/sha256/${sha(cfg)}`, size: cfg.length, sha256: sha(cfg) });
    expect(Buffer.from(await (await fetch(`${emu.endpoint}/weights/${bigKey}`)).arrayBuffer()).equals(big)).toBe(true);
    const pushed = proxy.requests.slice(since);
    expect(pushed.filter((r) => r.method === "PUT" && r.url.includes(encodeURIComponent(bigKey))).map((r) => r.contentRange)).toEqual([
      `bytes 0-${CHUNK - 1}/${big.length}`,
      `bytes ${CHUNK}-${2 * CHUNK - 1}/${big.length}`,
      `bytes ${2 * CHUNK}-${big.length - 1}/${big.length}`,
    ]);
    expect(pushed.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(first.lock.sets.big!.files[0]!.urls).toEqual([publicUrl(bigKey), `${source.url}/big.bin`]);

    const downloadsBefore = source.requests.length;
    const again = proxy.requests.length;
    const second = await pushWeights(first.lock, { kind: "gs", bucket: "weights", prefix: "models/m" }, { env, partSize: CHUNK });
    expect(second.files.every((f) => !f.uploaded)).toBe(true);
    expect(source.requests.length).toBe(downloadsBefore);
    expect(proxy.requests.slice(again).map((r) => r.method)).toEqual(["GET", "GET"]);
    expect(second.lock).toEqual(first.lock);
  });

  it("re-uploads an object whose size or metadata.sha256 disagrees with the lock", async () => {
    const key = `bad/sha256/${sha(cfg)}`;
    await emu.put("weights", key, Buffer.from("not the config"), { sha256: sha(cfg) });
    const got = await pushWeights(lock, { kind: "gs", bucket: "weights", prefix: "bad" }, { env, sets: ["cfg"] });
    expect(got.files.map((f) => f.uploaded)).toEqual([true]);
    expect(Buffer.from(await (await fetch(`${emu.endpoint}/weights/${key}`)).arrayBuffer()).equals(cfg)).toBe(true);
  });

  it("after a chunk's connection breaks, asks the session what it holds and goes on from there", async () => {
    proxy.dropNext((r) => r.method === "PUT" && (r.contentRange ?? "").startsWith(`bytes ${CHUNK}-`));
    const since = proxy.requests.length;
    await pushWeights(lock, { kind: "gs", bucket: "weights", prefix: "resume" }, { env, partSize: CHUNK, sets: ["big"] });
    const key = `resume/sha256/${sha(big)}`;
    expect(Buffer.from(await (await fetch(`${emu.endpoint}/weights/${key}`)).arrayBuffer()).equals(big)).toBe(true);
    expect(proxy.requests.slice(since).filter((r) => r.method === "PUT").map((r) => r.contentRange)).toEqual([
      `bytes 0-${CHUNK - 1}/${big.length}`,
      `bytes ${CHUNK}-${2 * CHUNK - 1}/${big.length}`, // cut
      `bytes */${big.length}`,
      `bytes ${CHUNK}-${2 * CHUNK - 1}/${big.length}`,
      `bytes ${2 * CHUNK}-${big.length - 1}/${big.length}`,
    ]);
  });

  it("passes --acl as predefinedAcl, and refuses a chunk size or ACL Cloud Storage cannot take before any request", async () => {
    const since = proxy.requests.length;
    await expect(pushWeights(lock, { kind: "gs", bucket: "weights", prefix: "p" }, { env, partSize: CHUNK + 1 })).rejects.toThrow(
      "--part-size: gs:// uploads in chunks that are multiples of 262144 bytes (256 KiB); got 262145",
    );
    await expect(pushWeights(lock, { kind: "gs", bucket: "weights", prefix: "p" }, { env, acl: "public-read-write" })).rejects.toThrow(
      '--acl: "public-read-write" is no Cloud Storage predefined ACL',
    );
    expect(proxy.requests.length).toBe(since);
    await pushWeights(lock, { kind: "gs", bucket: "weights", prefix: "acl" }, { env, acl: "public-read", sets: ["cfg"] });
    expect(proxy.requests.slice(since).filter((r) => r.method === "POST").map((r) => r.url)).toEqual([
      `/upload/storage/v1/b/weights/o?uploadType=resumable&name=acl%2Fsha256%2F${sha(cfg)}&predefinedAcl=publicRead`,
    ]);
  });

  it("cognix push-weights --to gs://…: rewrites the lock; a refused option leaves it as it was", async () => {
    const lockPath = join(dir, "cli.lock.json");
    writeLock(lockPath, lock);
    const before = readFileSync(lockPath, "utf8");
    vi.stubEnv("STORAGE_EMULATOR_HOST", proxy.host);
    vi.stubEnv("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN);
    try {
      const bad = await capture(() => runCommandLine("cognix", pushWeightsCommand, ["--to", "gs://weights/cli", "--lock", lockPath, "--part-size", "1000000"], processContext()));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^error: --part-size: gs:\/\/ uploads in chunks that are multiples of 262144 bytes \(256 KiB\); got 1000000\n\nUsage: cognix push-weights /);
      expect(readFileSync(lockPath, "utf8")).toBe(before);

      const r = await capture(() => runCommandLine("cognix", pushWeightsCommand, ["--to", "gs://weights/cli", "--lock", lockPath, "--json"], processContext()));
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { files: { set: string; uploaded: boolean; url: string }[] };
      expect(out.files.map((f) => [f.set, f.uploaded, f.url])).toEqual([
        ["big", true, publicUrl(`cli/sha256/${sha(big)}`)],
        ["cfg", true, publicUrl(`cli/sha256/${sha(cfg)}`)],
      ]);
      expect(readLock(lockPath).sets.cfg!.files[0]!.urls).toEqual([publicUrl(`cli/sha256/${sha(cfg)}`), `${source.url}/config.json`]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.skipIf(!python)("the image's downloader fetches the pushed copies without credentials and verifies them", async () => {
    const pushed = await pushWeights(lock, { kind: "gs", bucket: "weights", prefix: "" }, { env, partSize: CHUNK });
    const manifest = {
      formatVersion: 1,
      sets: Object.entries(pushed.lock.sets).map(([name, s]) => ({
        name,
        target: name === "big" ? "/src/weights" : "/src/config",
        files: s.files.map((f) => ({ ...f, urls: f.urls.filter((u) => u.startsWith(`http://${proxy.host}/`)) })),
      })),
    };
    expect(manifest.sets.map((s) => s.files[0]!.urls)).toEqual([[publicUrl(`sha256/${sha(big)}`)], [publicUrl(`sha256/${sha(cfg)}`)]]);
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    const root = join(dir, "root");
    const since = proxy.requests.length;
    const r = await runDownloader(["--manifest", join(dir, "manifest.json"), "--root", root, "--chunk-size", String(CHUNK)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "src/weights/big.bin")).equals(big)).toBe(true);
    expect(readFileSync(join(root, "src/config/config.json")).equals(cfg)).toBe(true);
    const downloads = proxy.requests.slice(since);
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.every((d) => d.method === "GET" && d.url.startsWith("/weights/sha256/") && d.authorization === null)).toBe(true);
  });
});
