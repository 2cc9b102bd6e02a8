// Registry credentials go to the registry (and the token server its challenge
// names), never to the host an upload `Location` points at.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { pushImageWith } from "../push.ts";
import { defaultRetryPolicy } from "../../http/retry.ts";
import { tempDir } from "../../testkit/temp-dir.ts";
import { startFakeRegistry, type FakeRegistry } from "./helpers/fake-registry.ts";
import { makeImage } from "./helpers/image.ts";

const USER = "pusher";
const PASSWORD = "s3cret-pw";

describe("credentials stay with the registry", () => {
  const { dir, cleanup } = tempDir("cred-scope");
  const running: FakeRegistry[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });
  afterAll(cleanup);

  async function start(o: Parameters<typeof startFakeRegistry>[0]): Promise<FakeRegistry> {
    const r = await startFakeRegistry(o);
    running.push(r);
    return r;
  }

  let pushes = 0;
  function push(registry: FakeRegistry, chunkSize: number) {
    const n = ++pushes;
    const img = makeImage(2, n, 50_000);
    const authFile = join(dir, `auth-${n}.json`);
    writeFileSync(authFile, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString("base64") } } }));
    const stderr = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    return pushImageWith(
      { ref: `${registry.host}/acme/model:t`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: join(dir, `cache-${n}`), authFile },
      { retry: { ...defaultRetryPolicy, attempts: 2, baseDelayMs: 1 }, env: { HOME: "/nonexistent" }, stdout: new PassThrough(), stderr, chunkSize },
    );
  }

  for (const [what, chunkSize] of [["a monolithic upload", 1 << 30], ["a chunked upload", 16_384]] as const) {
    it(`${what} to another host carries no credentials`, async () => {
      const storage = await start({});
      const registry = await start({ basic: `${USER}:${PASSWORD}`, uploadLocation: (name, id) => `${storage.url}/v2/${name}/blobs/uploads/${id}` });
      const result = await push(registry, chunkSize);
      expect(result.uploaded.length).toBe(3);
      const toStorage = storage.requests.filter((r) => r.method === "PUT" || r.method === "PATCH");
      expect(toStorage.length).toBeGreaterThanOrEqual(3);
      expect(storage.requests.map((r) => r.authorization)).toEqual(storage.requests.map(() => undefined));
      // The registry itself did get them.
      expect(registry.requests.some((r) => r.authorization?.startsWith("Basic "))).toBe(true);
    });
  }

  it("an upload host asking for credentials gets none, and the push says why it failed", async () => {
    const storage = await start({ basic: "someone:else" });
    const registry = await start({ basic: `${USER}:${PASSWORD}`, uploadLocation: (name, id) => `${storage.url}/v2/${name}/blobs/uploads/${id}` });
    await expect(push(registry, 1 << 30)).rejects.toThrow(new RegExp(`${storage.host}.*not the registry ${registry.host}`));
    expect(storage.requests.map((r) => r.authorization)).toEqual(storage.requests.map(() => undefined));
  });
});
