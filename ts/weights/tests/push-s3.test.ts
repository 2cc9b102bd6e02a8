import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockWeights } from "../lock.ts";
import { readLock, writeLock, type WeightsLock } from "../lock-file.ts";
import { objectKey } from "../push-destination.ts";
import { pushWeights } from "../push.ts";
import { S3Client } from "../s3/client.ts";
import { hasMoto, startMoto, type MotoServer } from "./helpers/moto.ts";
import { findPython, runDownloader } from "./helpers/python.ts";
import { startRangeServer, type RangeServer } from "./helpers/range-server.ts";

const moto = hasMoto();
if (!moto) console.warn("skipping S3 push tests: moto_server (Python moto) not found on PATH");
const python = findPython();

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const big = randomBytes(11 << 20); // three 5 MiB multipart parts
const cfg = Buffer.from(JSON.stringify({ hidden_size: 8 }));

function s3env(m: MotoServer, secret = m.secretAccessKey): NodeJS.ProcessEnv {
  return { AWS_ENDPOINT_URL: m.endpoint, AWS_ACCESS_KEY_ID: m.accessKeyId, AWS_SECRET_ACCESS_KEY: secret, AWS_REGION: "us-east-1" };
}

describe.skipIf(!moto)("push-weights to an S3-compatible bucket (moto_server)", () => {
  let source: RangeServer;
  let dir: string;
  let lock: WeightsLock;
  let signed: MotoServer;
  let open: MotoServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cognix-push-s3-"));
    source = await startRangeServer({ "/big.bin": big, "/config.json": cfg });
    [signed, open] = await Promise.all([startMoto(true), startMoto(false)]);
    await signed.client.createBucket("weights");
    await open.client.createBucket("public");
    lock = await lockWeights(
      [
        { name: "big", source: `${source.url}/big.bin`, target: "/src/weights" },
        { name: "cfg", source: `${source.url}/config.json`, target: "/src/config" },
      ],
      null,
    );
  });
  afterAll(async () => {
    await Promise.all([source?.close(), signed?.stop(), open?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("locks plain URLs by downloading them to hash", () => {
    expect(lock.sets.big!.files).toEqual([{ path: "big.bin", size: big.length, sha256: sha(big), urls: [`${source.url}/big.bin`] }]);
    expect(lock.sets.cfg!.files[0]!.sha256).toBe(sha(cfg));
  });

  it("uploads with SigV4 (multipart for large files), then skips everything on re-push", async () => {
    const env = s3env(signed);
    const first = await pushWeights(lock, { kind: "s3", bucket: "weights", prefix: "models/m" }, { env, partSize: 5 << 20 });
    expect(first.files.map((f) => [f.set, f.uploaded])).toEqual([
      ["big", true],
      ["cfg", true],
    ]);
    const head = await signed.client.headObject("weights", objectKey("models/m", sha(big)));
    expect(head).toEqual({ size: big.length, sha256: sha(big) });
    const url = signed.client.objectUrl("weights", `models/m/sha256/${sha(big)}`);
    expect(first.lock.sets.big!.files[0]!.urls).toEqual([url, `${source.url}/big.bin`]);

    const downloadsBefore = source.requests.length;
    const second = await pushWeights(first.lock, { kind: "s3", bucket: "weights", prefix: "models/m" }, { env, partSize: 5 << 20 });
    expect(second.files.every((f) => !f.uploaded)).toBe(true);
    expect(source.requests.length).toBe(downloadsBefore);
    // The pushed URL is not added twice.
    expect(second.lock).toEqual(first.lock);
  });

  it("fails clearly when the signature is wrong", async () => {
    await expect(pushWeights(lock, { kind: "s3", bucket: "weights", prefix: "x" }, { env: s3env(signed, "not-the-secret") })).rejects.toThrow(
      /HEAD s3:\/\/weights\/x\/sha256\/[0-9a-f]{64}: HTTP 403/,
    );
  });

  it("locks a single s3:// object with a signed download to hash it", async () => {
    const b = Buffer.from("tokenizer");
    await signed.client.putObject("weights", "repo/tokenizer.json", b);
    const got = await lockWeights([{ name: "one", source: "s3://weights/repo/tokenizer.json", target: "/w" }], null, { env: s3env(signed) });
    expect(got.sets.one!.files).toEqual([{ path: "tokenizer.json", size: b.length, sha256: sha(b), urls: [signed.client.objectUrl("weights", "repo/tokenizer.json")] }]);
  });

  // Listing goes to the moto without signature checks: moto rebuilds the
  // canonical query from a decoded URL, so a '/' in `prefix` never matches AWS's encoding.
  it("locks an s3:// prefix: sizes from the listing, sha256 from metadata or by download", async () => {
    const a = randomBytes(4096);
    const b = Buffer.from("tokenizer");
    await open.client.putObject("public", "repo/m1/a.safetensors", a, { sha256: sha(a) });
    await open.client.putObject("public", "repo/m1/sub/tokenizer.json", b);
    await open.client.putObject("public", "repo/m1/README.md", b);
    await open.client.putObject("public", "repo/m10/other.bin", b);
    const got = await lockWeights([{ name: "m1", source: "s3://public/repo/m1", target: "/w", exclude: ["*.md"] }], null, { env: s3env(open) });
    expect(got.sets.m1!.files).toEqual([
      { path: "a.safetensors", size: a.length, sha256: sha(a), urls: [open.client.objectUrl("public", "repo/m1/a.safetensors")] },
      { path: "sub/tokenizer.json", size: b.length, sha256: sha(b), urls: [open.client.objectUrl("public", "repo/m1/sub/tokenizer.json")] },
    ]);
  });

  it.skipIf(!python)("the image's downloader fetches the pushed copies and verifies them", async () => {
    const pushed = await pushWeights(lock, { kind: "s3", bucket: "public", prefix: "" }, { env: s3env(open), partSize: 5 << 20, acl: "public-read" });
    const lockFile = join(dir, "weights.lock.json");
    writeLock(lockFile, pushed.lock);
    const reread = readLock(lockFile);
    // The run-time manifest carries each file's URLs; only the bucket copy is offered here.
    const manifest = {
      formatVersion: 1,
      sets: Object.entries(reread.sets).map(([name, s]) => ({
        name,
        target: name === "big" ? "/src/weights" : "/src/config",
        files: s.files.map((f) => ({ ...f, urls: f.urls.filter((u) => u.startsWith(open.endpoint)) })),
      })),
    };
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    const root = join(dir, "root");
    const r = await runDownloader(["--manifest", join(dir, "manifest.json"), "--root", root, "--chunk-size", String(4 << 20)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "src/weights/big.bin")).equals(big)).toBe(true);
    expect(readFileSync(join(root, "src/config/config.json")).equals(cfg)).toBe(true);
    const anon = new S3Client({ endpoint: open.endpoint, region: "us-east-1", credentials: null });
    expect(await anon.headObject("public", `sha256/${sha(cfg)}`)).toEqual({ size: cfg.length, sha256: sha(cfg) });
  });
});
