// Layers go up while they are compressed: one upload session per layer with
// a single chunked PATCH, committed by PUT ?digest= once the digest is known.
// The blobs must be the bytes the spool file path pushes, a failed stream
// must start over cleanly, and a registry that refuses the stream gets the
// spool file.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { pushImageWith, type PushDeps, type PushLayer } from "../push.ts";
import { markVerified } from "../verified-stream.ts";
import { CognixError } from "../../util/errors.ts";
import { defaultRetryPolicy } from "../../http/retry.ts";
import { useTempDirs } from "../../testkit/temp-dir.ts";
import { haveTool, REGISTRY_BIN, useRegistry } from "../../testkit/registry.ts";
import { makeTar, noise } from "../../testkit/tar.ts";
import { startFakeRegistry } from "./helpers/fake-registry.ts";
import { startProxy, type Seen, type Verdict } from "./helpers/proxy.ts";
import { pullWithSkopeo, SKOPEO } from "./helpers/skopeo.ts";
import { configFor, layerOf } from "./helpers/image.ts";

const missing = [REGISTRY_BIN, SKOPEO].filter((t) => !haveTool(t));
if (missing.length > 0) console.warn(`skipping streamed push tests: missing ${missing.join(", ")}`);

/** Layers of several 2 MiB compression blocks: random bytes and text, as a model image has. */
function bigImage(seed: number, n = 3): { tars: Buffer[]; layers: PushLayer[]; config: Buffer } {
  const tars = Array.from({ length: n }, (_, i) =>
    makeTar([
      { name: `w${i}.bin`, content: noise(seed * 100 + i, 3_000_000) },
      { name: `lib${i}.py`, content: `def f${i}(x):\n    return x * ${seed + i}\n`.repeat(60_000) },
    ]),
  );
  const layers = tars.map(layerOf);
  return { tars, layers, config: configFor(layers) };
}

function deps(over: Partial<PushDeps> = {}): Partial<PushDeps> & { stderr: NodeJS.WriteStream; text(): string } {
  const chunks: Buffer[] = [];
  const stderr = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  (stderr as unknown as PassThrough).on("data", (c: Buffer) => chunks.push(c));
  const retry = { ...defaultRetryPolicy, baseDelayMs: 1, maxDelayMs: 5 };
  return { retry, env: { HOME: "/nonexistent" }, stdout: new PassThrough(), stderr, ...over, text: () => Buffer.concat(chunks).toString() };
}

const uploads = (seen: Seen[], method: string): Seen[] => seen.filter((s) => s.method === method && s.path.includes("/blobs/uploads/"));

describe.skipIf(missing.length > 0)("streamed layer uploads", () => {
  const registry = useRegistry();
  const tmp = useTempDirs();

  async function pushVia(decide: (req: { method?: string; url?: string; headers: Record<string, unknown> }, n: number) => Verdict, repo: string, seed: number, over: Partial<PushDeps> = {}) {
    const img = bigImage(seed);
    const proxy = await startProxy(registry().port, decide);
    const d = deps(over);
    try {
      const result = await pushImageWith({ ref: `${proxy.host}/${repo}:t`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache"), jobs: 1 }, d);
      const pulled = pullWithSkopeo(`${registry().host}/${repo}:t`, join(tmp("pull"), "oci"));
      expect(pulled.manifestDigest).toBe(result.digest);
      pulled.uncompressed.forEach((b, i) => expect(b.equals(img.tars[i] as Buffer)).toBe(true));
      return { result, seen: proxy.seen, stderr: d.text() };
    } finally {
      await proxy.stop();
    }
  }

  it("sends each layer in one chunked PATCH and pushes the same blobs as the spool file", async () => {
    const streamed = await pushVia(() => "pass", "stream/plain", 1);
    const patches = uploads(streamed.seen, "PATCH");
    expect(patches).toHaveLength(3);
    for (const p of patches) {
      expect(p.headers["transfer-encoding"]).toBe("chunked");
      expect(p.headers["content-length"]).toBeUndefined();
    }
    // POST, PATCH, PUT per layer; the config goes up whole (POST, PUT).
    expect(uploads(streamed.seen, "POST")).toHaveLength(4);
    expect(uploads(streamed.seen, "PUT")).toHaveLength(4);
    expect(uploads(streamed.seen, "PUT").every((s) => s.status === 201)).toBe(true);

    const spooled = await pushVia(() => "pass", "stream/spooled", 1, { streaming: false });
    expect(uploads(spooled.seen, "PATCH")).toEqual([]);
    expect(spooled.result.digest).toBe(streamed.result.digest);
    expect(spooled.result.uploaded).toEqual(streamed.result.uploaded);
  });

  it("starts a stream over, in a new session, when its connection drops mid-body", async () => {
    let dropped = 0;
    const { seen, result } = await pushVia((req) => (req.method === "PATCH" && dropped++ < 2 ? "drop-after-body-start" : "pass"), "stream/drop", 2);
    expect(dropped).toBeGreaterThanOrEqual(2);
    expect(uploads(seen, "PATCH")).toHaveLength(5);
    // Each PATCH had a session of its own, and only finished ones were committed.
    expect(uploads(seen, "POST")).toHaveLength(6);
    expect(uploads(seen, "PUT")).toHaveLength(4);
    expect(result.uploaded).toHaveLength(4);
  });

  it("starts a stream over when the registry fails it after the body", async () => {
    let failed = 0;
    const { seen, stderr } = await pushVia((req) => (req.method === "PATCH" && failed++ === 1 ? { status: 500, body: "disk full" } : "pass"), "stream/500", 3);
    expect(uploads(seen, "PATCH").map((s) => s.status)).toEqual([202, 500, 202, 202]);
    expect(stderr).toBe(""); // not a terminal: no progress, no notes
  });

  it("retries a lost answer to the committing PUT and finds the blob in", async () => {
    let lost = 0;
    const { seen, result } = await pushVia((req) => (req.method === "PUT" && (req.url ?? "").includes("/blobs/uploads/") && lost++ === 0 ? "drop-answer" : "pass"), "stream/lost-put", 4);
    // The second PUT finds the session closed (the first one committed it) and a HEAD finds the blob.
    expect(uploads(seen, "PATCH")).toHaveLength(3);
    expect(uploads(seen, "PUT").map((s) => s.status).slice(0, 2)).toEqual([201, 404]);
    expect(result.uploaded).toHaveLength(4);
  });

  it("falls back to the spool file, for this and later layers, when the registry refuses a streamed PATCH", async () => {
    const refuse = (req: { method?: string; headers: Record<string, unknown> }): Verdict =>
      req.method === "PATCH" && req.headers["content-range"] === undefined ? { status: 411, body: "length required" } : "pass";
    const { seen, result, stderr } = await pushVia(refuse, "stream/refused", 5);
    expect(uploads(seen, "PATCH").map((s) => s.status)).toEqual([411]);
    expect(stderr).toBe("");
    // The same image streamed elsewhere has the same manifest: the fallback pushed the same bytes.
    const streamed = await pushVia(() => "pass", "stream/not-refused", 5);
    expect(result.digest).toBe(streamed.result.digest);

    // Chunked from the spool file after the refusal: PATCH with Content-Range is allowed.
    const chunked = await pushVia(refuse, "stream/refused-chunked", 6, { chunkSize: 1024 * 1024 });
    const patches = uploads(chunked.seen, "PATCH");
    expect(patches[0]?.status).toBe(411);
    expect(patches.slice(1).every((p) => p.status === 202 && p.headers["content-range"] !== undefined)).toBe(true);
  });

  it("compresses a layer of unknown digest first when the repository has images, and skips it if there", async () => {
    const first = await pushVia(() => "pass", "stream/known", 8);
    expect(uploads(first.seen, "PATCH")).toHaveLength(3);
    expect(first.seen.filter((s) => s.path.includes("/tags/list"))).toHaveLength(1);
    // Another machine (an empty cache) pushes the same image under a new tag.
    const img = bigImage(8);
    const proxy = await startProxy(registry().port);
    try {
      const r = await pushImageWith({ ref: `${proxy.host}/stream/known:v2`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache"), jobs: 1 }, deps());
      expect(r.uploaded).toEqual([]);
      expect(r.skipped).toHaveLength(4);
      expect(r.digest).toBe(first.result.digest);
      expect(uploads(proxy.seen, "POST")).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it("stops at once, without a retry, when a layer stream that checks itself finds its content changed", async () => {
    const img = bigImage(10, 1);
    const tar = img.tars[0] as Buffer;
    async function* changed(): AsyncGenerator<Buffer> {
      yield tar.subarray(0, 5_000_000);
      throw new CognixError({ message: "layer 0: content changed since the spec was written" });
    }
    const layer: PushLayer = { ...img.layers[0]!, open: () => markVerified(Readable.from(changed(), { objectMode: false }), { digest: img.layers[0]!.diffId, size: tar.length }) };
    const proxy = await startProxy(registry().port);
    try {
      await expect(
        pushImageWith({ ref: `${proxy.host}/stream/changed:x`, configBlob: img.config, layers: [layer], insecure: true, cacheDir: tmp("cache"), jobs: 1 }, deps()),
      ).rejects.toThrow(/content changed since the spec was written/);
      expect(uploads(proxy.seen, "POST")).toHaveLength(1);
      expect(uploads(proxy.seen, "PUT")).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it("never commits a layer whose bytes do not match its diffId", async () => {
    const img = bigImage(7, 2);
    const liar: PushLayer = { ...img.layers[1]!, open: () => layerOf(makeTar([{ name: "x", content: noise(9, 3_000_000) }])).open() };
    const proxy = await startProxy(registry().port);
    try {
      await expect(
        pushImageWith({ ref: `${proxy.host}/stream/liar:x`, configBlob: img.config, layers: [img.layers[0]!, liar], insecure: true, cacheDir: tmp("cache"), jobs: 1 }, deps()),
      ).rejects.toThrow(/not to its diffId/);
      expect(uploads(proxy.seen, "PATCH")).toHaveLength(2);
      expect(uploads(proxy.seen, "PUT")).toHaveLength(1);
      expect(proxy.seen.some((s) => s.path.includes("/manifests/") && s.method === "PUT")).toBe(false);
    } finally {
      await proxy.stop();
    }
  });
});

describe("a streamed upload sent again", () => {
  const tmp = useTempDirs();

  it("compresses the layer afresh when an auth challenge makes the PATCH go again", async () => {
    let challenged = 0;
    const fake = await startFakeRegistry({
      basic: "u:p",
      intercept: (req, res) => {
        if (req.method !== "PATCH" || challenged++ > 0) return false;
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="fake"' }).end();
        return true;
      },
    });
    try {
      const img = bigImage(9, 1);
      const authFile = join(tmp("auth"), "auth.json");
      writeFileSync(authFile, JSON.stringify({ auths: { [fake.host]: { auth: Buffer.from("u:p").toString("base64") } } }));
      const r = await pushImageWith({ ref: `${fake.host}/again/model:t`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache"), authFile }, deps());
      expect(challenged).toBe(2);
      // The fake registry checks the digest of what it stored against PUT ?digest=.
      const layer = fake.blobs.get(r.uploaded[0] as string);
      expect(layer !== undefined && gunzipSync(layer).equals(img.tars[0] as Buffer)).toBe(true);
      expect(fake.requests.filter((q) => q.method === "POST")).toHaveLength(2);
    } finally {
      await fake.stop();
    }
  });
});
