import { createHash } from "node:crypto";
import http from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestSpec, planSpec } from "../../image/build-spec.ts";
import { pushSource } from "../../image/push-source.ts";
import type { ImageSpec } from "../../image/spec-types.ts";
import { tempDir } from "../../image/tests/helpers.ts";
import { CYCLONEDX_MEDIA_TYPE } from "../../sbom/cyclonedx.ts";
import { SBOM_LABEL, sbomBytes } from "../../sbom/document.ts";
import { pushImage } from "../push.ts";
import { fetchReferrer } from "../referrers-read.ts";
import { startFakeRegistry, type FakeRegistry } from "./helpers/fake-registry.ts";
import { haveTool, REGISTRY_BIN, startRegistry, type RunningRegistry } from "../../testkit/registry.ts";

const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** A small digested image with SBOM facts, from files under a temp dir. */
async function imageWithSbom(dir: string, greeting: string): Promise<ImageSpec> {
  const a = join(dir, `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-greeting-${greeting.length}.0`);
  mkdirSync(a, { recursive: true });
  writeFileSync(join(a, "greeting.txt"), greeting);
  return digestSpec(
    planSpec({
      closure: [{ path: a, narSize: 10, narHash: `sha256:${"1".repeat(64)}`, references: [] }],
      config: { Cmd: ["cat", `${a}/greeting.txt`] },
      bom: { packages: [{ path: a, pname: "greeting", version: `${greeting.length}.0` }], python: [], weights: [] },
    }),
  );
}

function get(base: string, path: string, accept: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${path}`, { headers: { Accept: accept } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

const INDEX = "application/vnd.oci.image.index.v1+json";
const haveRegistry = haveTool(REGISTRY_BIN);
if (!haveRegistry) console.warn(`SKIP SBOM referrers on docker-registry: ${REGISTRY_BIN} is missing (apt package docker-registry)`);

describe.skipIf(!haveRegistry)("the SBOM as a referrer, on docker-registry (no referrers API: the tag schema)", () => {
  const t = tempDir("referrers");
  let registry: RunningRegistry;
  let spec: ImageSpec;
  const cache = join(t.dir, "cache");

  beforeAll(async () => {
    registry = await startRegistry();
    spec = await imageWithSbom(join(t.dir, "store"), "hello\n");
  }, 60_000);
  afterAll(async () => {
    await registry?.stop();
    t.cleanup();
  });

  it("pushes it under the sha256-<digest> tag index, and reads it back", async () => {
    const ref = `${registry.host}/demo/sbom:v1`;
    const pushed = await pushImage({ ref, ...pushSource(spec), insecure: true, cacheDir: cache, progress: false });
    const sbom = sbomBytes(spec, "cyclonedx");
    expect(pushed.referrers).toEqual([
      { artifactType: CYCLONEDX_MEDIA_TYPE, digest: expect.stringMatching(/^sha256:/), blob: sha256(sbom), outcome: "pushed", via: "tag" },
    ]);
    expect(spec.config.Labels?.[SBOM_LABEL]).toBe(sha256(sbom));
    const base = `http://${registry.host}`;
    // No referrers API here, which is why the tag is there.
    expect((await get(base, `/v2/demo/sbom/referrers/${pushed.digest}`, INDEX)).status).toBe(404);
    const tag = await get(base, `/v2/demo/sbom/manifests/${pushed.digest.replace(":", "-")}`, INDEX);
    expect(tag.status).toBe(200);
    const index = JSON.parse(tag.body.toString("utf8")) as { manifests: { digest: string; artifactType: string }[] };
    expect(index.manifests).toEqual([expect.objectContaining({ digest: pushed.referrers?.[0]?.digest, artifactType: CYCLONEDX_MEDIA_TYPE })]);
    const artifact = JSON.parse((await get(base, `/v2/demo/sbom/manifests/${pushed.referrers?.[0]?.digest}`, "application/vnd.oci.image.manifest.v1+json")).body.toString("utf8")) as {
      subject: { digest: string };
      artifactType: string;
    };
    expect(artifact.subject.digest).toBe(pushed.digest);
    expect(artifact.artifactType).toBe(CYCLONEDX_MEDIA_TYPE);

    const back = await fetchReferrer({ ref, artifactType: CYCLONEDX_MEDIA_TYPE, insecure: true, label: SBOM_LABEL });
    expect(back.bytes.equals(sbom)).toBe(true);
    expect(back).toMatchObject({ subject: pushed.digest, blob: sha256(sbom), via: "tag" });
  }, 60_000);

  it("skips it on a re-push, and keeps other referrers of the image in the index", async () => {
    const ref = `${registry.host}/demo/sbom:v1`;
    const again = await pushImage({ ref, ...pushSource(spec), insecure: true, cacheDir: cache, progress: false });
    expect(again.referrers?.map((r) => r.outcome)).toEqual(["skipped"]);
    expect(again.uploaded).toEqual([]);
    // Another document attached to the same image joins the index.
    const note = { artifactType: "application/vnd.example.note", mediaType: "text/plain", bytes: Buffer.from("note\n"), title: "note.txt", created: spec.created };
    const both = await pushImage({ ref, ...pushSource(spec), referrers: [...pushSource(spec).referrers, note], insecure: true, cacheDir: cache, progress: false });
    expect(both.referrers?.map((r) => r.outcome)).toEqual(["skipped", "pushed"]);
    const tag = await get(`http://${registry.host}`, `/v2/demo/sbom/manifests/${again.digest.replace(":", "-")}`, INDEX);
    const types = (JSON.parse(tag.body.toString("utf8")) as { manifests: { artifactType: string }[] }).manifests.map((m) => m.artifactType).sort();
    expect(types).toEqual([CYCLONEDX_MEDIA_TYPE, "application/vnd.example.note"].sort());
    const back = await fetchReferrer({ ref, artifactType: CYCLONEDX_MEDIA_TYPE, insecure: true, label: SBOM_LABEL });
    expect(back.bytes.equals(sbomBytes(spec, "cyclonedx"))).toBe(true);
  }, 60_000);

  it("says clearly when an image has no SBOM referrer", async () => {
    const { bom: _facts, ...rest } = spec;
    const plain = await digestSpec({ ...rest, config: { Cmd: ["true"] } });
    const ref = `${registry.host}/demo/plain:v1`;
    const pushed = await pushImage({ ref, ...pushSource(plain), insecure: true, cacheDir: cache, progress: false });
    expect(pushed.referrers).toBeUndefined();
    await expect(fetchReferrer({ ref, artifactType: CYCLONEDX_MEDIA_TYPE, insecure: true })).rejects.toThrow(`has no ${CYCLONEDX_MEDIA_TYPE} referrer`);
    await expect(fetchReferrer({ ref: `${registry.host}/demo/absent:v1`, artifactType: CYCLONEDX_MEDIA_TYPE, insecure: true })).rejects.toThrow("no such image");
  }, 60_000);
});

/** The fake registry plus what a registry with the referrers API does: list by subject, answer OCI-Subject. */
async function startApiRegistry(): Promise<FakeRegistry> {
  let reg: FakeRegistry | undefined;
  reg = await startFakeRegistry({
    intercept: (req, res, body) => {
      const url = new URL(req.url ?? "/", "http://x");
      const referrers = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
      if (req.method === "GET" && referrers !== null) {
        const manifests = [...new Map([...reg!.manifests.values()].map((m) => [sha256(m.body), m])).values()]
          .map((m) => ({ m, doc: JSON.parse(m.body.toString("utf8")) as { subject?: { digest: string }; artifactType?: string; annotations?: Record<string, string> } }))
          .filter(({ doc }) => doc.subject?.digest === referrers[2])
          .map(({ m, doc }) => ({ mediaType: m.type, digest: sha256(m.body), size: m.body.length, artifactType: doc.artifactType, annotations: doc.annotations }));
        res.writeHead(200, { "Content-Type": INDEX }).end(JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests }));
        return true;
      }
      const put = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
      if (req.method === "PUT" && put !== null) {
        const entry = { type: String(req.headers["content-type"]), body };
        reg!.manifests.set(put[2]!, entry);
        reg!.manifests.set(sha256(body), entry);
        const subject = (JSON.parse(body.toString("utf8")) as { subject?: { digest: string } }).subject?.digest;
        res.writeHead(201, { "Docker-Content-Digest": sha256(body), ...(subject !== undefined ? { "OCI-Subject": subject } : {}) }).end();
        return true;
      }
      return false;
    },
  });
  return reg;
}

describe("the SBOM as a referrer, on a registry with the referrers API", () => {
  const t = tempDir("referrers-api");
  let reg: FakeRegistry;
  let spec: ImageSpec;

  beforeAll(async () => {
    reg = await startApiRegistry();
    spec = await imageWithSbom(join(t.dir, "store"), "hi\n");
  });
  afterAll(async () => {
    await reg?.stop();
    t.cleanup();
  });

  it("lets the registry list it (no tag index), reads it back through the API, and skips it on a re-push", async () => {
    const ref = `${reg.host}/demo/api:v1`;
    const pushed = await pushImage({ ref, ...pushSource(spec), insecure: true, cacheDir: join(t.dir, "cache"), progress: false });
    expect(pushed.referrers?.map((r) => [r.outcome, r.via])).toEqual([["pushed", "api"]]);
    expect(reg.requests.some((r) => r.method === "PUT" && r.path.includes("/manifests/sha256-"))).toBe(false);
    const back = await fetchReferrer({ ref, artifactType: CYCLONEDX_MEDIA_TYPE, insecure: true, label: SBOM_LABEL });
    expect(back.bytes.equals(sbomBytes(spec, "cyclonedx"))).toBe(true);
    expect(back.via).toBe("api");
    const before = reg.requests.length;
    const again = await pushImage({ ref, ...pushSource(spec), insecure: true, cacheDir: join(t.dir, "cache"), progress: false });
    expect(again.referrers?.map((r) => [r.outcome, r.via])).toEqual([["skipped", "api"]]);
    expect(reg.requests.slice(before).filter((r) => r.method === "PUT" || r.method === "POST" || r.method === "PATCH")).toEqual([]);
  });

  it("refuses a document that does not hash to the digest its manifest names", async () => {
    const ref = `${reg.host}/demo/api:v1`;
    const sbom = sha256(sbomBytes(spec, "cyclonedx"));
    reg.blobs.set(sbom, Buffer.from("tampered"));
    await expect(fetchReferrer({ ref, artifactType: CYCLONEDX_MEDIA_TYPE, insecure: true, label: SBOM_LABEL })).rejects.toThrow("does not hash to its digest");
  });
});
