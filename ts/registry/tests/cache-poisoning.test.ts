// A registry's manifests may say which of its blobs holds which layer. A
// hostile one can lie; what it says must never reach the local cache, or a
// later push to an honest registry would skip layers it does not have.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImageWith, type PushLayer } from "../push.ts";
import { defaultRetryPolicy } from "../../http/retry.ts";
import { startFakeRegistry, type FakeRegistry } from "./helpers/fake-registry.ts";
import { haveTool, REGISTRY_BIN, startRegistry, type RunningRegistry } from "../../testkit/registry.ts";
import { makeImage } from "./helpers/image.ts";

const haveRegistry = haveTool(REGISTRY_BIN);
if (!haveRegistry) console.warn(`skipping digest-cache poisoning test: missing ${REGISTRY_BIN}`);

interface Manifest {
  config: { digest: string; size: number; mediaType: string };
  layers: { digest: string; size: number; mediaType: string }[];
}

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

async function getManifest(host: string, name: string, ref: string): Promise<{ body: Buffer; parsed: Manifest }> {
  const res = await fetch(`http://${host}/v2/${name}/manifests/${ref}`, { headers: { Accept: OCI_MANIFEST } });
  const body = Buffer.from(await res.arrayBuffer());
  return { body, parsed: JSON.parse(body.toString("utf8")) as Manifest };
}

async function getBlob(host: string, name: string, digest: string): Promise<Buffer> {
  return Buffer.from(await (await fetch(`http://${host}/v2/${name}/blobs/${digest}`)).arrayBuffer());
}

describe.skipIf(!haveRegistry)("the digest cache learns only what was checked", () => {
  let honest: RunningRegistry;
  let hostile: FakeRegistry;
  const dir = mkdtempSync(join(tmpdir(), "cognix-poison-"));
  // Two layers of the same size, so a swapped mapping still passes a size check.
  const img = makeImage(2, 4242, 60_000);

  beforeAll(async () => {
    honest = await startRegistry();
    hostile = await startFakeRegistry();
  });
  afterAll(async () => {
    await honest?.stop();
    await hostile?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function push(host: string, ref: string, cacheDir: string, layers: PushLayer[] = img.layers) {
    const stderr = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    return pushImageWith(
      { ref: `${host}/${ref}`, configBlob: img.config, layers, insecure: true, cacheDir },
      { retry: { ...defaultRetryPolicy, attempts: 2, baseDelayMs: 1 }, env: { HOME: "/nonexistent" }, stdout: new PassThrough(), stderr, chunkSize: 1 << 30 },
    );
  }

  it("a hostile registry's swapped layers do not follow the push to an honest one", async () => {
    // The honest registry has the image (pushed with a cache of its own).
    await push(honest.host, "acme/model:v1", join(dir, "other-cache"));
    const good = await getManifest(honest.host, "acme/model", "v1");

    // The hostile registry claims the same blobs, but with layers 1 and 2 swapped.
    for (const d of [good.parsed.config, ...good.parsed.layers]) hostile.blobs.set(d.digest, await getBlob(honest.host, "acme/model", d.digest));
    const swapped = { ...good.parsed, layers: [good.parsed.layers[1], good.parsed.layers[0]] };
    hostile.manifests.set("t", { type: OCI_MANIFEST, body: Buffer.from(JSON.stringify(swapped)) });

    const cache = join(dir, "cache");
    await push(hostile.host, "acme/model:t", cache);
    const remembered = JSON.parse(readFileSync(join(cache, "registry-blobs.json"), "utf8")) as { blobs: Record<string, { digest: string }> };
    for (const [i, layer] of img.layers.entries()) {
      // Nothing the hostile registry said about layer i is remembered as layer i.
      const learned = Object.entries(remembered.blobs).filter(([k]) => k.endsWith(`:${layer.diffId}`)).map(([, v]) => v.digest);
      expect(learned).not.toContain(swapped.layers[i]!.digest);
    }

    // The next push, to the honest registry, gives the right layers.
    await push(honest.host, "acme/model:v2", cache);
    const again = await getManifest(honest.host, "acme/model", "v2");
    expect(again.parsed.layers.map((l) => l.digest)).toEqual(good.parsed.layers.map((l) => l.digest));
  });
});
