/**
 * Re-push time of an unchanged many-layer image, against baselines measured
 * in the same run on the same local docker-registry:
 *   - naive: compress and upload every blob, then the manifest (no HEAD checks);
 *   - skopeo: `skopeo copy oci:DIR docker://…` of the same image (it HEADs and skips);
 * and cognix: first push, re-push with a warm cache, re-push from an empty cache.
 *
 *   npx tsx bench/push-repush.ts [--layers 100] [--layer-kib 256] [--runs 3] [--json]
 */
import { execFileSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { parseArgs } from "node:util";
import { canonicalJson } from "../ts/util/canonical-json.ts";
import { RegistryClient } from "../ts/registry/client.ts";
import { compressToFile } from "../ts/registry/compress.ts";
import { buildManifest, OCI_CONFIG, OCI_MANIFEST } from "../ts/registry/manifest.ts";
import { mapPool } from "../ts/registry/pool.ts";
import { pushImageWith, type PushOptions } from "../ts/registry/push.ts";
import { defaultRetryPolicy } from "../ts/http/retry.ts";
import { haveTool, REGISTRY_BIN, startRegistry } from "../ts/testkit/registry.ts";
import { makeImage } from "../ts/registry/tests/helpers/image.ts";
import { sha256 } from "../ts/testkit/tar.ts";

const SKOPEO = "/usr/bin/skopeo";

const { values } = parseArgs({
  options: {
    layers: { type: "string", default: "100" },
    "layer-kib": { type: "string", default: "256" },
    runs: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
  },
});
const nLayers = Number(values.layers);
const layerBytes = Number(values["layer-kib"]) * 1024;
const runs = Number(values.runs);
const JOBS = 4;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const quiet = (): { stdout: PassThrough; stderr: NodeJS.WriteStream } => ({
  stdout: new PassThrough(),
  stderr: Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream,
});

async function main(): Promise<void> {
  const missing = [REGISTRY_BIN, SKOPEO].filter((t) => !haveTool(t));
  if (missing.length > 0) {
    process.stderr.write(`push-repush: missing ${missing.join(", ")}; nothing measured\n`);
    process.exitCode = 2;
    return;
  }
  const reg = await startRegistry();
  const work = mkdtempSync(join(tmpdir(), "cognix-bench-"));
  // An interrupted run still stops its registry and removes its files.
  const onSignal = (): void => {
    void reg.stop().finally(() => {
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const img = makeImage(nLayers, 17, layerBytes);
    const deps = { retry: defaultRetryPolicy, env: { HOME: work }, ...quiet() };
    const base = (ref: string, cacheDir: string): PushOptions => ({
      ref: `${reg.host}/bench/${ref}`,
      configBlob: img.config,
      layers: img.layers,
      insecure: true,
      cacheDir,
      jobs: JOBS,
    });
    const warmCache = join(work, "cache");

    const firstPush = await time(() => pushImageWith(base("img:1", warmCache), deps));

    // Naive baseline: everything compressed and uploaded again, no checks.
    const client = new RegistryClient({
      host: reg.host,
      insecure: true,
      retry: defaultRetryPolicy,
      maxSockets: JOBS + 2,
      credentials: async () => undefined,
      credentialFile: "none",
    });
    const naive = async (): Promise<void> => {
      const spool = mkdtempSync(join(work, "naive-"));
      const descs = await mapPool(img.layers, JOBS, async (l, i) => {
        const file = join(spool, String(i));
        const blob = await compressToFile(l.open(), file, "gzip");
        await client.uploadBlob("bench/naive", blob.digest, blob.size, () => createReadStream(file));
        return { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: blob.digest, size: blob.size };
      });
      const cfg = { mediaType: OCI_CONFIG, digest: sha256(img.config), size: img.config.length };
      await client.uploadBlob("bench/naive", cfg.digest, cfg.size, () => {
        const s = new PassThrough();
        s.end(img.config);
        return s;
      });
      await client.putManifest("bench/naive", "1", OCI_MANIFEST, buildManifest(cfg, descs));
      rmSync(spool, { recursive: true, force: true });
    };

    // skopeo baseline: the same image as an OCI layout, copied to the registry again.
    const layout = join(work, "oci");
    execFileSync(SKOPEO, ["--insecure-policy", "copy", "--src-tls-verify=false", `docker://${reg.host}/bench/img:1`, `oci:${layout}:img`], { stdio: "pipe" });
    const skopeo = (): void => {
      execFileSync(SKOPEO, ["--insecure-policy", "copy", "--dest-tls-verify=false", `oci:${layout}:img`, `docker://${reg.host}/bench/skopeo:1`], { stdio: "pipe" });
    };
    skopeo(); // the first copy uploads; the timed ones are re-pushes

    const samples = { naive: [] as number[], skopeo: [] as number[], warm: [] as number[], fresh: [] as number[] };
    for (let r = 0; r < runs; r++) {
      samples.naive.push(await time(naive));
      samples.skopeo.push(await time(skopeo));
      samples.warm.push(
        await time(async () => {
          const res = await pushImageWith(base("img:1", warmCache), deps);
          if (res.uploaded.length !== 0) throw new Error(`warm re-push uploaded ${res.uploaded.length} blobs`);
        }),
      );
      const fresh = join(work, `fresh-${r}`);
      samples.fresh.push(
        await time(async () => {
          const res = await pushImageWith(base("img:1", fresh), deps);
          if (res.uploaded.length !== 0) throw new Error(`fresh-cache re-push uploaded ${res.uploaded.length} blobs`);
        }),
      );
    }
    client.close();

    const m = { naive: median(samples.naive), skopeo: median(samples.skopeo), warm: median(samples.warm), fresh: median(samples.fresh) };
    const result = {
      image: { layers: nLayers, layerBytes, runs, jobs: JOBS },
      ms: { firstPush: Math.round(firstPush), naiveRepush: Math.round(m.naive), skopeoRepush: Math.round(m.skopeo), cognixRepushWarmCache: Math.round(m.warm), cognixRepushEmptyCache: Math.round(m.fresh) },
      speedup: {
        warmVsNaive: Number((m.naive / m.warm).toFixed(2)),
        warmVsSkopeo: Number((m.skopeo / m.warm).toFixed(2)),
        emptyCacheVsNaive: Number((m.naive / m.fresh).toFixed(2)),
        emptyCacheVsSkopeo: Number((m.skopeo / m.fresh).toFixed(2)),
      },
    };
    if (values.json) {
      process.stdout.write(canonicalJson(result));
    } else {
      const row = (k: string, v: number): string => `  ${k.padEnd(34)} ${String(Math.round(v)).padStart(7)} ms`;
      process.stdout.write(
        [
          `re-push of an unchanged ${nLayers}-layer image (${values["layer-kib"]} KiB/layer), median of ${runs}`,
          row("first push (cognix)", firstPush),
          row("naive re-push (upload all)", m.naive),
          row("skopeo copy re-push", m.skopeo),
          row("cognix re-push, warm cache", m.warm),
          row("cognix re-push, empty cache", m.fresh),
          `  ratios: naive/warm ${result.speedup.warmVsNaive}x, skopeo/warm ${result.speedup.warmVsSkopeo}x, ` +
            `naive/empty-cache ${result.speedup.emptyCacheVsNaive}x, skopeo/empty-cache ${result.speedup.emptyCacheVsSkopeo}x`,
          "",
        ].join("\n"),
      );
    }
  } finally {
    await reg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
