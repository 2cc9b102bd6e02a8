import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { pushImageWith } from "../push.ts";
import { defaultRetryPolicy, type RetryPolicy } from "../../http/retry.ts";
import { freePort } from "../../util/free-port.ts";
import { useTempDirs } from "../../testkit/temp-dir.ts";
import { haveTool, REGISTRY_BIN, startRegistry, useRegistry } from "../../testkit/registry.ts";
import { startProxy, type Verdict } from "./helpers/proxy.ts";
import { pullWithSkopeo, SKOPEO } from "./helpers/skopeo.ts";
import { makeImage } from "./helpers/image.ts";

const missing = [REGISTRY_BIN, SKOPEO].filter((t) => !haveTool(t));
if (missing.length > 0) console.warn(`skipping registry fault tests: missing ${missing.join(", ")}`);

/** Retries without real waiting; records the delays asked for. */
function recordingPolicy(attempts = 8): RetryPolicy & { delays: number[] } {
  const delays: number[] = [];
  return { ...defaultRetryPolicy, attempts, delays, sleep: async (ms) => void delays.push(ms), random: () => 0.5 };
}

/** With a chunk size, layers go up from the spool file in chunks of that size; `spool` alone sends them whole from it. */
function deps(retry: RetryPolicy, chunkSize?: number, spool = chunkSize !== undefined) {
  const stderr = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  return { retry, env: { HOME: "/nonexistent" }, stdout: new PassThrough(), stderr, chunkSize: chunkSize ?? 128 * 1024 * 1024, streaming: !spool };
}

const isUploadPut = (method: string | undefined, url: string | undefined): boolean => method === "PUT" && (url ?? "").includes("/blobs/uploads/");

describe.skipIf(missing.length > 0)("push through a faulty connection", () => {
  const registry = useRegistry();
  const tmp = useTempDirs();

  async function pushThrough(decide: (req: { method?: string; url?: string }, n: number) => Verdict, repo: string, retry = recordingPolicy(), chunkSize?: number, spool?: boolean) {
    const img = makeImage(4, repo.length * 13, 300_000);
    const proxy = await startProxy(registry().port, decide);
    try {
      const result = await pushImageWith(
        { ref: `${proxy.host}/${repo}:t`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache"), jobs: 2 },
        deps(retry, chunkSize, spool),
      );
      // Verify against the registry directly, not through the proxy.
      const pulled = pullWithSkopeo(`${registry().host}/${repo}:t`, join(tmp("pull"), "oci"));
      expect(pulled.manifestDigest).toBe(result.digest);
      pulled.uncompressed.forEach((b, i) => expect(b.equals(img.tars[i] as Buffer)).toBe(true));
      return { result, proxy, retry };
    } finally {
      await proxy.stop();
    }
  }

  it("survives dropped connections on every third request", async () => {
    const { proxy } = await pushThrough((_req, n) => (n % 3 === 0 ? "drop" : "pass"), "faults/drop");
    // Dropped requests never got a status; the push still completed above.
    expect(proxy.seen.filter((s) => s.status === undefined).length).toBeGreaterThanOrEqual(Math.floor(proxy.seen.length / 3));
  });

  it("survives 500 on every fourth request", async () => {
    const { proxy } = await pushThrough((_req, n) => (n % 4 === 0 ? { status: 500, body: "boom" } : "pass"), "faults/five-hundred");
    expect(proxy.seen.some((s) => s.status === 500)).toBe(true);
  });

  it("restarts an upload from the spool file whose connection drops mid-body", async () => {
    let dropped = 0;
    const { proxy } = await pushThrough(
      (req) => {
        if (isUploadPut(req.method, req.url) && dropped < 3) {
          dropped++;
          return "drop-after-body-start";
        }
        return "pass";
      },
      "faults/mid-body",
      recordingPolicy(),
      undefined,
      true,
    );
    expect(dropped).toBe(3);
    // Each restarted upload opened a new session.
    expect(proxy.seen.filter((s) => s.method === "POST").length).toBe(proxy.seen.filter((s) => s.method === "PUT" && s.path.includes("/blobs/")).length);
  });

  it("uploads big blobs in chunks and resumes a chunk the registry did not take", async () => {
    let failed = 0;
    let patches = 0;
    const { proxy, result } = await pushThrough(
      (req) => {
        // The first chunk of a session and a later one (Range 0-N) both resume.
        if (req.method === "PATCH" && [1, 4].includes(++patches)) {
          failed++;
          return { status: 500 };
        }
        return "pass";
      },
      "faults/chunks",
      recordingPolicy(),
      64 * 1024,
    );
    expect(failed).toBe(2);
    const uploadedLayers = result.uploaded.length - 1; // the small config goes up in one PUT
    expect(proxy.seen.filter((s) => s.method === "PATCH").length).toBeGreaterThan(uploadedLayers * 2);
    // Resumed in the same session: one POST per uploaded blob, and the session was asked where it stood.
    expect(proxy.seen.filter((s) => s.method === "POST")).toHaveLength(result.uploaded.length);
    expect(proxy.seen.filter((s) => s.method === "GET" && s.path.includes("/blobs/uploads/"))).toHaveLength(2);
  });

  it("restarts a chunked upload whose connection drops mid-chunk", async () => {
    let dropped = 0;
    const { result, proxy } = await pushThrough(
      (req) => {
        if (req.method === "PATCH" && dropped < 2) {
          dropped++;
          return "drop-after-body-start";
        }
        return "pass";
      },
      "faults/chunk-drop",
      recordingPolicy(),
      64 * 1024,
    );
    expect(dropped).toBe(2);
    expect(result.uploaded.length).toBeGreaterThan(0);
    expect(proxy.seen.filter((s) => s.method === "PATCH").length).toBeGreaterThan(2);
  });

  it("waits as long as Retry-After says on 429", async () => {
    let n429 = 0;
    const { retry } = await pushThrough((req) => {
      if (req.method === "HEAD" && n429 < 2) {
        n429++;
        return { status: 429, headers: { "Retry-After": "3" } };
      }
      return "pass";
    }, "faults/too-many");
    expect(n429).toBe(2);
    expect(retry.delays.filter((d) => d >= 3000)).toHaveLength(2);
  });

  it("gives up with a clear error on a registry that keeps failing, and never pushes a manifest", async () => {
    const img = makeImage(2, 77);
    const proxy = await startProxy(registry().port, (req) => (isUploadPut(req.method, req.url) ? { status: 503 } : "pass"));
    try {
      const err = await pushImageWith(
        { ref: `${proxy.host}/faults/down:t`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache") },
        deps(recordingPolicy(3)),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CognixError);
      expect((err as Error).message).toMatch(/failed after 3 attempts: .*answered 503/);
      expect(proxy.seen.some((s) => s.path.includes("/manifests/") && s.method === "PUT")).toBe(false);
    } finally {
      await proxy.stop();
    }
  });
});

describe("unreachable registries", () => {
  const tmp = useTempDirs();

  it("names the host when nothing listens", async () => {
    const port = await freePort();
    const img = makeImage(1, 1);
    await expect(
      pushImageWith({ ref: `127.0.0.1:${port}/x/y:z`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache") }, deps(recordingPolicy(2))),
    ).rejects.toThrow(`registry 127.0.0.1:${port} is unreachable (connection refused, 2 attempts)`);
  });

  it.skipIf(missing.length > 0)("suggests --insecure when a plain-http registry is spoken to over TLS", async () => {
    const reg = await startRegistry();
    const img = makeImage(1, 2);
    try {
      await expect(
        pushImageWith({ ref: `${reg.host}/x/y:z`, configBlob: img.config, layers: img.layers, cacheDir: tmp("cache") }, deps(recordingPolicy(2))),
      ).rejects.toThrow(/TLS connection to registry 127\.0\.0\.1:\d+ failed .*pass --insecure/);
    } finally {
      await reg.stop();
    }
  });
});
