import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockWeights } from "../lock.ts";

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const config = Buffer.from('{"model_type": "unet"}');
const model = randomBytes(5000);
const readme = Buffer.from("# model");

/** A loopback stand-in for the HuggingFace Hub API of one gated repo. */
describe("locking hf:// sources", () => {
  let server: Server;
  let endpoint: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      seen.push(url.pathname + url.search);
      if (req.headers.authorization !== "Bearer hf_gated") {
        res.writeHead(401).end("gated");
        return;
      }
      const json = (v: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(200, { "content-type": "application/json", ...headers }).end(JSON.stringify(v));
      };
      const p = url.pathname;
      if (p === "/api/models/acme/base/revision/main") return json({ id: "acme/base", sha: COMMIT });
      if (p === `/api/models/acme/base/tree/${COMMIT}` && url.searchParams.get("recursive") === "true") {
        if (url.searchParams.get("cursor") === null) {
          return json(
            [
              { type: "file", path: "config.json", size: config.length, oid: "9a1b" },
              { type: "directory", path: "unet", size: 0, oid: "77" },
            ],
            { link: `<${endpoint}/api/models/acme/base/tree/${COMMIT}?recursive=true&expand=false&cursor=2>; rel="next"` },
          );
        }
        return json([
          { type: "file", path: "unet/model.safetensors", size: 134, oid: "ab", lfs: { oid: sha(model), size: model.length, pointerSize: 134 } },
          { type: "file", path: "README.md", size: readme.length, oid: "cd" },
        ]);
      }
      if (p === `/api/models/acme/base/tree/${COMMIT}/unet`) {
        return json([{ type: "file", path: "unet/model.safetensors", size: 134, oid: "ab", lfs: { oid: sha(model), size: model.length } }]);
      }
      if (p === `/acme/base/resolve/${COMMIT}/config.json`) {
        res.writeHead(200, { "content-length": String(config.length) }).end(config);
        return;
      }
      res.writeHead(404).end("no");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("pins a branch to its commit, pages through the tree, and takes LFS hashes from metadata", async () => {
    const notes: string[] = [];
    const env = { HF_ENDPOINT: endpoint, HF_TOKEN: "hf_gated" };
    const lock = await lockWeights([{ name: "base", source: "hf://acme/base", target: "/src/weights", exclude: ["*.md"] }], null, { env, onNote: (n) => notes.push(n) });
    expect(lock.sets.base!.files).toEqual([
      { path: "config.json", size: config.length, sha256: sha(config), urls: [`${endpoint}/acme/base/resolve/${COMMIT}/config.json`] },
      { path: "unet/model.safetensors", size: model.length, sha256: sha(model), urls: [`${endpoint}/acme/base/resolve/${COMMIT}/unet/model.safetensors`] },
    ]);
    expect(notes).toEqual([`weights.base: hf://acme/base@main resolved to commit ${COMMIT}; write it in cog.yaml to pin it`]);
    // The LFS file's hash came from the listing: it was never downloaded.
    expect(seen.some((s) => s.includes("model.safetensors"))).toBe(false);
  });

  it("locks a directory of a repo at a pinned commit, relative to that directory", async () => {
    const lock = await lockWeights([{ name: "unet", source: `hf://acme/base@${COMMIT}/unet`, target: "/w" }], null, { env: { HF_ENDPOINT: endpoint, HF_TOKEN: "hf_gated" } });
    expect(lock.sets.unet!.files.map((f) => [f.path, f.sha256])).toEqual([["model.safetensors", sha(model)]]);
    expect(seen.some((s) => s.startsWith("/api/models/acme/base/revision/"))).toBe(true);
  });

  it("reports a gated repo without a token with the key and status", async () => {
    await expect(lockWeights([{ name: "base", source: `hf://acme/base@${COMMIT}`, target: "/w" }], null, { env: { HF_ENDPOINT: endpoint }, configFile: "cognix.json" })).rejects.toThrow(
      /^cognix\.json: weights\[0\]\.source: hf:\/\/acme\/base@[0-9a-f]{40}: list acme\/base@[0-9a-f]{40}: HTTP 401/,
    );
  });

  it("keeps an unchanged set's lock (and pushed URLs) without asking the source", async () => {
    const before = seen.length;
    const previous = {
      formatVersion: 1 as const,
      sets: { base: { source: "hf://acme/base", include: [], exclude: ["*.md"], files: [{ path: "a", size: 1, sha256: "1".repeat(64), urls: ["https://bucket/x", "https://hf/a"] }] } },
    };
    const lock = await lockWeights([{ name: "base", source: "hf://acme/base", target: "/w", exclude: ["*.md"] }], previous, { env: { HF_ENDPOINT: endpoint } });
    expect(lock).toEqual(previous);
    expect(seen.length).toBe(before);
  });
});
