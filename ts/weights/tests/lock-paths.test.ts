import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockWeights } from "../lock.ts";
import { readLock, writeLock } from "../lock-file.ts";

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const data = Buffer.from("weights");

/** File names a listing may offer that are unsafe in a shell, a store path or a path on disk. */
const HOSTILE = ["x$(touch /tmp/pwned).bin", "a`id`.bin", "a b.bin", "semi;colon.bin", "new\nline.bin", "quote'.bin", "dir/star*.bin", "é.bin"];

describe("weight file paths are safe characters only", () => {
  let server: Server;
  let endpoint: string;
  let offered = "";
  const dir = mkdtempSync(join(tmpdir(), "cognix-lock-paths-"));

  beforeAll(async () => {
    // A HuggingFace stand-in whose listing offers one file named `offered`.
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === `/api/models/acme/base/tree/${COMMIT}`) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify([{ type: "file", path: offered, size: 9, oid: "1", lfs: { oid: sha(data), size: data.length } }]));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  for (const name of HOSTILE) {
    it(`refuses to lock a listed file named ${JSON.stringify(name)}`, async () => {
      offered = name;
      await expect(
        lockWeights([{ name: "base", source: `hf://acme/base@${COMMIT}`, target: "/w" }], null, { env: { HF_ENDPOINT: endpoint }, configFile: "cognix.json" }),
      ).rejects.toThrow(/weights\[0\]: .*offers a file whose path .* has characters other than/);
    });

    it(`refuses to read or write a lock with the path ${JSON.stringify(name)}`, () => {
      const lock = { formatVersion: 1 as const, sets: { base: { source: "s", include: [], exclude: [], files: [{ path: name, size: 1, sha256: "1".repeat(64), urls: ["https://x/y"] }] } } };
      const file = join(dir, "weights.lock.json");
      writeFileSync(file, JSON.stringify(lock));
      expect(() => readLock(file)).toThrow(/sets\.base\.files\[0\]\.path: .* has characters other than/);
      const out = join(dir, "written.lock.json");
      expect(() => writeLock(out, lock)).toThrow(/sets\.base\.files\[0\]\.path: .* has characters other than/);
    });
  }

  it("keeps ordinary model file names", async () => {
    offered = "unet/diffusion_pytorch_model-00001-of-00002.fp16+v1.0,final@2~.safetensors";
    const lock = await lockWeights([{ name: "base", source: `hf://acme/base@${COMMIT}`, target: "/w" }], null, { env: { HF_ENDPOINT: endpoint } });
    expect(lock.sets.base!.files.map((f) => f.path)).toEqual([offered]);
  });
});
