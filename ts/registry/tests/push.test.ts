import { join } from "node:path";
import { PassThrough } from "node:stream";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { pushImageWith, type PushOptions } from "../push.ts";
import { defaultRetryPolicy } from "../../http/retry.ts";
import { startProxy } from "./helpers/proxy.ts";
import { useTempDirs } from "../../testkit/temp-dir.ts";
import { haveTool, REGISTRY_BIN, startRegistry, useRegistry } from "../../testkit/registry.ts";
import { inspectWithSkopeo, pullWithSkopeo, SKOPEO } from "./helpers/skopeo.ts";
import { configFor, layerOf, makeImage } from "./helpers/image.ts";
import { makeTar, noise } from "../../testkit/tar.ts";

const missing = [REGISTRY_BIN, SKOPEO].filter((t) => !haveTool(t));
if (missing.length > 0) console.warn(`skipping registry push tests: missing ${missing.join(", ")}`);

const hasZstd = typeof (zlib as unknown as Record<string, unknown>).createZstdCompress === "function";
const quietRetry = { ...defaultRetryPolicy, baseDelayMs: 5, maxDelayMs: 50 };

function deps(stdout = new PassThrough()) {
  const stderr = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  return { retry: quietRetry, env: { HOME: "/nonexistent" }, stdout, stderr };
}

describe.skipIf(missing.length > 0)("push to docker-registry", () => {
  const registry = useRegistry();
  const tmp = useTempDirs();

  it("pushes, pulls back byte-identical layers, re-pushes nothing, and uploads exactly a changed layer", async () => {
    const cacheDir = tmp("cache");
    const img = makeImage(5, 7, 20_000);
    const ref = `${registry().host}/demo/model:v1`;
    const opts: PushOptions = { ref, configBlob: img.config, layers: img.layers, insecure: true, cacheDir, jobs: 3 };

    const first = await pushImageWith(opts, deps());
    expect(first.uploaded).toHaveLength(6);
    expect(first.skipped).toEqual([]);

    const pulled = pullWithSkopeo(ref, join(tmp("pull"), "oci"));
    expect(pulled.manifestDigest).toBe(first.digest);
    expect(pulled.uncompressed).toHaveLength(img.tars.length);
    pulled.uncompressed.forEach((b, i) => expect(b.equals(img.tars[i] as Buffer)).toBe(true));
    expect(pulled.config.equals(img.config)).toBe(true);
    expect(pulled.layers.every((l) => l.mediaType === "application/vnd.oci.image.layer.v1.tar+gzip")).toBe(true);
    expect(inspectWithSkopeo(ref).Digest).toBe(first.digest);

    const again = await pushImageWith(opts, deps());
    expect(again.uploaded).toEqual([]);
    expect(again.mounted).toEqual([]);
    expect(again.digest).toBe(first.digest);
    expect(new Set(again.skipped)).toEqual(new Set(first.uploaded));

    // Change layer 2 only.
    const changed = [...img.layers];
    const newTar = makeTar([{ name: "changed.bin", content: noise(4242, 30_000) }]);
    changed[2] = layerOf(newTar);
    const config2 = configFor(changed);
    const third = await pushImageWith({ ...opts, ref: `${registry().host}/demo/model:v2`, layers: changed, configBlob: config2 }, deps());
    const layerUploads = third.uploaded.filter((d) => !pulled.layers.some((l) => l.digest === d));
    expect(layerUploads).toHaveLength(2); // the changed layer and the new config
    const pulled2 = pullWithSkopeo(`${registry().host}/demo/model:v2`, join(tmp("pull"), "oci"));
    expect(pulled2.uncompressed[2]?.equals(newTar)).toBe(true);
    expect(third.uploaded).toContain(pulled2.layers[2]?.digest);
    expect(third.skipped).toHaveLength(4);
  });

  it("prints one JSON object with the pushed digest", async () => {
    const img = makeImage(2, 99);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const r = await pushImageWith(
      { ref: `${registry().host}/json/out:t`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache"), json: true },
      deps(out),
    );
    const printed = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
    expect(printed).toEqual({ ref: `${registry().host}/json/out:t`, digest: r.digest, uploaded: r.uploaded, skipped: [], mounted: [] });
  });

  it("from a fresh cache, re-pushing an image the registry has costs only GET/HEAD requests", async () => {
    const img = makeImage(6, 3, 10_000);
    const ref = `${registry().host}/fresh/model:latest`;
    await pushImageWith({ ref, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache") }, deps());

    const proxy = await startProxy(registry().port);
    try {
      const res = await pushImageWith(
        { ref: `${proxy.host}/fresh/model:latest`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache") },
        deps(),
      );
      expect(res.uploaded).toEqual([]);
      expect(res.skipped).toHaveLength(7);
      const methods = new Set(proxy.seen.map((s) => s.method));
      expect([...methods].sort()).toEqual(["GET", "HEAD"]);
      // The manifest, its config, and one HEAD per blob.
      expect(proxy.seen.filter((s) => s.method === "HEAD")).toHaveLength(7);
      expect(proxy.seen.filter((s) => s.method === "GET")).toHaveLength(2);
    } finally {
      await proxy.stop();
    }
  });

  it("does not trust the cache: a registry without the blobs gets them uploaded", async () => {
    const cacheDir = tmp("cache");
    const img = makeImage(3, 51);
    await pushImageWith({ ref: `${registry().host}/stale/a:x`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir }, deps());
    const other = await startRegistry();
    try {
      const r = await pushImageWith({ ref: `${other.host}/stale/a:x`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir }, deps());
      expect(r.uploaded).toHaveLength(4);
      const pulled = pullWithSkopeo(`${other.host}/stale/a:x`, join(tmp("pull"), "oci"));
      pulled.uncompressed.forEach((b, i) => expect(b.equals(img.tars[i] as Buffer)).toBe(true));
    } finally {
      await other.stop();
    }
  });

  it("follows upload Locations given as relative paths", async () => {
    const img = makeImage(2, 41);
    const proxy = await startProxy(registry().port, undefined, (h) => {
      if (typeof h.location === "string" && h.location.startsWith("http")) h.location = new URL(h.location).pathname + new URL(h.location).search;
      return h;
    });
    try {
      const r = await pushImageWith({ ref: `${proxy.host}/rel/loc:x`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache") }, deps());
      expect(r.uploaded).toHaveLength(3);
      expect(proxy.seen.filter((s) => s.method === "PUT" && s.path.startsWith("/v2/rel/loc/blobs/uploads/"))).toHaveLength(3);
      expect(inspectWithSkopeo(`${registry().host}/rel/loc:x`).Digest).toBe(r.digest);
    } finally {
      await proxy.stop();
    }
  });

  it("mounts blobs from another repository on the same registry", async () => {
    const cacheDir = tmp("cache");
    const img = makeImage(3, 11);
    await pushImageWith({ ref: `${registry().host}/src/one:a`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir }, deps());
    const r = await pushImageWith({ ref: `${registry().host}/dst/two:b`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir }, deps());
    expect(r.mounted).toHaveLength(3);
    expect(r.uploaded).toHaveLength(1); // the config: the cache maps layers only
    const pulled = pullWithSkopeo(`${registry().host}/dst/two:b`, join(tmp("pull"), "oci"));
    expect(pulled.uncompressed.every((b, i) => b.equals(img.tars[i] as Buffer))).toBe(true);
  });

  it("pushes the same bytes for the same input (deterministic compression and manifest)", async () => {
    const img = makeImage(2, 5);
    const a = await pushImageWith({ ref: `${registry().host}/det/a:x`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache") }, deps());
    const b = await pushImageWith({ ref: `${registry().host}/det/b:x`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: tmp("cache") }, deps());
    expect(b.digest).toBe(a.digest);
    expect(b.uploaded).toEqual(a.uploaded);
  });

  it("pushes a repeated layer once and lists it twice in the manifest", async () => {
    const img = makeImage(2, 21);
    const layers = [img.layers[0]!, img.layers[1]!, img.layers[0]!];
    const r = await pushImageWith(
      { ref: `${registry().host}/dup/layers:x`, configBlob: configFor(layers), layers, insecure: true, cacheDir: tmp("cache") },
      deps(),
    );
    expect(r.uploaded).toHaveLength(3);
    const pulled = pullWithSkopeo(`${registry().host}/dup/layers:x`, join(tmp("pull"), "oci"));
    expect(pulled.layers.map((l) => l.digest)).toEqual([r.uploaded[0], r.uploaded[1], r.uploaded[0]]);
    expect(pulled.uncompressed[2]?.equals(img.tars[0] as Buffer)).toBe(true);
  });

  it.skipIf(hasZstd)("falls back to gzip with a warning when zstd is asked for but missing", async () => {
    const img = makeImage(1, 31);
    const d = deps();
    const chunks: Buffer[] = [];
    (d.stderr as unknown as PassThrough).on("data", (c: Buffer) => chunks.push(c));
    await pushImageWith({ ref: `${registry().host}/zstd/fallback:x`, configBlob: img.config, layers: img.layers, insecure: true, compression: "zstd", cacheDir: tmp("cache") }, d);
    expect(Buffer.concat(chunks).toString()).toMatch(/warning: zstd is not available in Node .*; using gzip/);
    const pulled = pullWithSkopeo(`${registry().host}/zstd/fallback:x`, join(tmp("pull"), "oci"));
    expect(pulled.layers[0]?.mediaType).toBe("application/vnd.oci.image.layer.v1.tar+gzip");
  });

  it("refuses a layer whose bytes do not match its diffId, and pushes no manifest", async () => {
    const img = makeImage(2, 8);
    const liar = { ...img.layers[1]!, open: () => layerOf(makeTar([{ name: "x", content: "other" }])).open() };
    const proxy = await startProxy(registry().port);
    try {
      await expect(
        pushImageWith({ ref: `${proxy.host}/bad/diffid:x`, configBlob: img.config, layers: [img.layers[0]!, liar], insecure: true, cacheDir: tmp("cache") }, deps()),
      ).rejects.toThrow(/not to its diffId/);
      expect(proxy.seen.some((s) => s.method === "PUT" && s.path.includes("/manifests/"))).toBe(false);
    } finally {
      await proxy.stop();
    }
  });
});
