// A registry cannot keep a push waiting forever: each request has an overall
// deadline (a trickle of bytes does not extend it), and a long Retry-After
// ends the push instead of sleeping through it.
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { parseArgs } from "../../cli/parse.ts";
import { PUSH_OPTIONS, pushArgs } from "../push-options.ts";
import { pushImageWith, type PushDeps } from "../push.ts";
import { defaultRetryPolicy, type RetryPolicy } from "../../http/retry.ts";
import { tempDir } from "../../testkit/temp-dir.ts";
import { startFakeRegistry, type FakeRegistry } from "./helpers/fake-registry.ts";
import { makeImage } from "./helpers/image.ts";

/** Resolves with the push's outcome, or "still running" after `ms`. */
async function within<T>(ms: number, p: Promise<T>): Promise<T | Error | "still running"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"still running">((r) => (timer = setTimeout(() => r("still running"), ms)));
  try {
    return await Promise.race([p.catch((e: unknown) => e as Error), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe("push time limits", () => {
  const { dir, cleanup } = tempDir("time-limits");
  const running: FakeRegistry[] = [];
  const drips: NodeJS.Timeout[] = [];
  afterEach(async () => {
    for (const t of drips.splice(0)) clearInterval(t);
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });
  afterAll(cleanup);

  let pushes = 0;
  function push(registry: FakeRegistry, deps: Partial<PushDeps>, timeoutSeconds?: number) {
    const n = ++pushes;
    const img = makeImage(1, n, 40_000);
    const stderr = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    const opts = { ref: `${registry.host}/acme/model:t`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: join(dir, `cache-${n}`) };
    return pushImageWith(timeoutSeconds === undefined ? opts : { ...opts, timeoutSeconds }, { env: { HOME: "/nonexistent" }, stdout: new PassThrough(), stderr, ...deps });
  }

  it("gives up on a registry that answers one byte at a time", async () => {
    const registry = await startFakeRegistry({
      intercept: (req, res) => {
        if (!(req.url ?? "").includes("/manifests/")) return false;
        // Headers at once, then a byte every 100 ms: never idle, never done.
        res.writeHead(200, { "Content-Type": "application/vnd.oci.image.manifest.v1+json", "Content-Length": "100000" });
        drips.push(setInterval(() => res.write("{"), 100));
        return true;
      },
    });
    running.push(registry);
    const retry: RetryPolicy = { ...defaultRetryPolicy, attempts: 2, baseDelayMs: 1, sleep: async () => undefined };
    const started = Date.now();
    const got = await within(20_000, push(registry, { retry }, 1));
    expect(got).toBeInstanceOf(CognixError);
    expect((got as Error).message).toMatch(/no complete answer .* within 1 s/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("does not sleep through a Retry-After longer than it will wait", async () => {
    const registry = await startFakeRegistry({
      intercept: (req, res) => {
        if (req.method !== "PATCH") return false;
        res.writeHead(503, { "Retry-After": "86400" }).end();
        return true;
      },
    });
    running.push(registry);
    const delays: number[] = [];
    const retry: RetryPolicy = { ...defaultRetryPolicy, attempts: 3, baseDelayMs: 1, sleep: async (ms) => void delays.push(ms) };
    const got = await within(20_000, push(registry, { retry, chunkSize: 8192 }));
    expect(got).toBeInstanceOf(CognixError);
    expect((got as Error).message).toMatch(/Retry-After of 86400 s/);
    expect(delays.filter((d) => d > defaultRetryPolicy.maxRetryAfterMs)).toEqual([]);
  });

  it("takes the deadline from --timeout", () => {
    const read = (argv: string[]): ReturnType<typeof pushArgs> => pushArgs(parseArgs({ name: "push", summary: "", options: PUSH_OPTIONS, positionals: [{ name: "REF" }] }, argv));
    expect(read(["r8.im/u/m", "--timeout", "90"]).timeoutSeconds).toBe(90);
    expect(() => read(["r8.im/u/m", "--timeout", "0"])).toThrow(/--timeout must be a whole number from 1 to 86400/);
  });
});
