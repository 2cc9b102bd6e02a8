import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockWeights } from "../lock.ts";
import type { WeightsLock } from "../lock-file.ts";
import { OciWeightsClient, TITLE_ANNOTATION, WEIGHTS_ARTIFACT_TYPE } from "../oci/client.ts";
import { pushWeights } from "../push.ts";
import { findPython, runDownloader } from "./helpers/python.ts";
import { startRangeServer, type RangeServer } from "./helpers/range-server.ts";
import { haveTool, REGISTRY_BIN, startRegistry, type RunningRegistry } from "../../testkit/registry.ts";

const registryAvailable = haveTool(REGISTRY_BIN);
if (!registryAvailable) console.warn(`skipping OCI weights tests: ${REGISTRY_BIN} is missing`);
const python = findPython();

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const model = randomBytes(3 << 20);
const tokenizer = Buffer.from('{"vocab": {}}');

describe.skipIf(!registryAvailable)("weights as OCI artifacts (docker-registry)", () => {
  let registry: RunningRegistry;
  let source: RangeServer;
  let dir: string;
  let lock: WeightsLock;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cognix-push-oci-"));
    [registry, source] = await Promise.all([startRegistry(), startRangeServer({ "/model.bin": model, "/tokenizer.json": tokenizer })]);
    const l1 = await lockWeights([{ name: "model", source: `${source.url}/model.bin`, target: "/src/weights" }], null);
    const l2 = await lockWeights([{ name: "tok", source: `${source.url}/tokenizer.json`, target: "/src/weights" }], null);
    // One set with two files, as an hf:// or s3:// prefix would give.
    lock = { formatVersion: 1, sets: { main: { ...l1.sets.model!, files: [...l1.sets.model!.files, ...l2.sets.tok!.files] } } };
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), source?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("pushes blobs and an artifact manifest, and skips on re-push", async () => {
    const dest = { kind: "oci" as const, registry: registry.host, repository: "acme/weights", tag: "v1" };
    const first = await pushWeights(lock, dest);
    expect(first.files.map((f) => f.uploaded)).toEqual([true, true]);
    expect(first.manifests.map((m) => m.reference)).toEqual(["v1-main"]);
    const client = new OciWeightsClient(registry.host, "acme/weights");
    const manifest = await client.getManifest("v1-main");
    client.close();
    expect(manifest.artifactType).toBe(WEIGHTS_ARTIFACT_TYPE);
    expect(manifest.layers.map((l) => [l.annotations?.[TITLE_ANNOTATION], l.digest, l.size])).toEqual([
      ["model.bin", `sha256:${sha(model)}`, model.length],
      ["tokenizer.json", `sha256:${sha(tokenizer)}`, tokenizer.length],
    ]);
    expect(first.lock.sets.main!.files[0]!.urls[0]).toBe(`http://${registry.host}/v2/acme/weights/blobs/sha256:${sha(model)}`);

    const before = source.requests.length;
    const again = await pushWeights(first.lock, dest);
    expect(again.files.map((f) => f.uploaded)).toEqual([false, false]);
    expect(source.requests.length).toBe(before);
    expect(again.manifests[0]!.digest).toBe(first.manifests[0]!.digest);
    expect(again.lock).toEqual(first.lock);
  });

  it("locks an oci:// source from the artifact's titled layers", async () => {
    await pushWeights(lock, { kind: "oci", registry: registry.host, repository: "acme/weights", tag: "v2" });
    const got = await lockWeights([{ name: "w", source: `oci://${registry.host}/acme/weights:v2-main`, target: "/w", include: ["*.bin"] }], null);
    expect(got.sets.w!.files).toEqual([
      { path: "model.bin", size: model.length, sha256: sha(model), urls: [`http://${registry.host}/v2/acme/weights/blobs/sha256:${sha(model)}`] },
    ]);
  });

  it.skipIf(!python)("the downloader fetches blobs with ranges and verifies them", async () => {
    const pushed = await pushWeights(lock, { kind: "oci", registry: registry.host, repository: "acme/run", tag: null });
    const manifest = {
      formatVersion: 1,
      sets: [{ name: "main", target: "/src/weights", files: pushed.lock.sets.main!.files.map((f) => ({ ...f, urls: [f.urls[0]!] })) }],
    };
    writeFileSync(join(dir, "m.json"), JSON.stringify(manifest));
    const root = join(dir, "root");
    const r = await runDownloader(["--manifest", join(dir, "m.json"), "--root", root, "--chunk-size", String(1 << 20)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "src/weights/model.bin")).equals(model)).toBe(true);
    expect(readFileSync(join(root, "src/weights/tokenizer.json")).equals(tokenizer)).toBe(true);
  });
});
