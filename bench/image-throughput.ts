/**
 * Layer streaming benchmark: tars and digests a generated multi-GB tree with
 * cognix's layer streamer and compares against `tar | sha256sum` over the
 * same paths, measured in the same run on a warm page cache. Reports the
 * throughput ratio (target ≥ 0.8) and the streamer's peak RSS while
 * streaming (target < 200 MB), each in a child process of its own.
 *
 *   npx tsx bench/image-throughput.ts [--gib 3] [--dir /var/tmp] [--keep] [--json]
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { digestLayer, openLayerStream } from "../ts/image/layer-source.ts";
import type { ImageSpec, LayerSpec } from "../ts/image/spec-types.ts";

const MiB = 1024 * 1024;

function spec(layer: LayerSpec): ImageSpec {
  return {
    version: 1, name: "bench", tag: "bench", created: "1970-01-01T00:00:01Z", mtime: 1, architecture: "amd64", os: "linux",
    config: {}, closure: [], root: [], ownLayer: [],
    planner: { algorithm: "bench", maxLayers: 100, ownLayerThreshold: 0, buckets: 1 }, layers: [layer],
  };
}

/** A closure-like tree: a few huge files (weights, CUDA libs) and many small ones (Python packages). */
function generate(root: string, totalBytes: number): string[] {
  const pattern = Buffer.alloc(MiB);
  for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 2654435761) >>> 24;
  const write = (file: string, size: number): void => {
    const fd = openSync(file, "w");
    let left = size;
    while (left > 0) {
      const n = Math.min(left, pattern.length);
      writeSync(fd, pattern, 0, n);
      left -= n;
    }
    closeSync(fd);
  };
  const paths: string[] = [];
  const bigShare = Math.floor(totalBytes * 0.8);
  const big = join(root, "aaaa-big-libs");
  mkdirSync(big);
  paths.push(big);
  for (let i = 0, done = 0; done < bigShare; i++) {
    const size = Math.min(512 * MiB, bigShare - done);
    write(join(big, `lib${i}.so`), size);
    done += size;
  }
  const small = join(root, "bbbb-python-packages");
  paths.push(small);
  let done = 0;
  for (let pkg = 0; done < totalBytes - bigShare; pkg++) {
    const dir = join(small, `pkg${pkg}`, "module");
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 40 && done < totalBytes - bigShare; f++) {
      const size = 512 + ((pkg * 7919 + f * 104729) % (96 * 1024));
      write(join(dir, `file${f}.py`), size);
      done += size;
    }
  }
  return paths;
}

interface ChildResult {
  bytes: number;
  seconds: number;
  maxRssMiB: number;
  diffId: string;
}

/** Runs in a child: digest, or stream to a sink verifying a known digest; reports time and peak memory. */
async function child(mode: string, args: string[]): Promise<void> {
  const [expectedDiffId, expectedSize, ...paths] = mode === "stream" ? args : ["", "", ...args];
  const layer: LayerSpec = { id: "bench", kind: "store", paths };
  const s = spec(layer);
  const start = process.hrtime.bigint();
  let result: { diffId: string; size: number };
  if (mode === "digest") result = await digestLayer(s, layer);
  else {
    let size = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        cb();
      },
    });
    await pipeline(openLayerStream(s, { ...layer, diffId: expectedDiffId!, size: Number(expectedSize) }), sink);
    result = { diffId: expectedDiffId!, size };
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ bytes: result.size, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, diffId: result.diffId }));
}

function runChild(mode: string, args: string[]): ChildResult {
  const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", mode, ...args], {
    cwd: join(fileURLToPath(import.meta.url), "../.."),
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as ChildResult;
}

function tarBaseline(paths: string[]): { seconds: number; digest: string } {
  const rel = paths.map((p) => p.slice(1));
  const start = process.hrtime.bigint();
  const r = spawnSync("sh", ["-c", 'tar --sort=name --mtime=@1 --owner=0 --group=0 --numeric-owner -cf - -C / "$@" | sha256sum', "sh", ...rel], {
    maxBuffer: 1 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`tar | sha256sum failed: ${r.stderr.toString()}`);
  return { seconds, digest: r.stdout.toString().split(" ")[0]! };
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--child") return child(argv[1]!, argv.slice(2));
  const opt = (name: string, dflt: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1]! : dflt;
  };
  const gib = Number(opt("--gib", "3"));
  const base = opt("--dir", "/var/tmp");
  const json = argv.includes("--json");
  const root = mkdtempSync(join(base, "cognix-bench-"));
  try {
    const paths = generate(root, Math.round(gib * 1024 * MiB));
    tarBaseline(paths); // warm the page cache for both sides
    const runs = 2;
    let tarBest = Infinity;
    let oursBest = Infinity;
    let streamBest = Infinity;
    let rss = 0;
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      tarBest = Math.min(tarBest, tarBaseline(paths).seconds);
      const d = runChild("digest", paths);
      oursBest = Math.min(oursBest, d.seconds);
      rss = Math.max(rss, d.maxRssMiB);
      bytes = d.bytes;
      const s = runChild("stream", [d.diffId, String(d.bytes), ...paths]);
      streamBest = Math.min(streamBest, s.seconds);
      rss = Math.max(rss, s.maxRssMiB);
    }
    const mbps = (sec: number): number => bytes / MiB / sec;
    const result = {
      gib,
      layerBytes: bytes,
      tarSha256sumMiBps: mbps(tarBest),
      cognixDigestMiBps: mbps(oursBest),
      cognixStreamVerifyMiBps: mbps(streamBest),
      digestRatio: tarBest / oursBest,
      streamRatio: tarBest / streamBest,
      peakRssMiB: rss,
    };
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      console.log(`layer streaming over ${(bytes / 1024 / MiB).toFixed(2)} GiB (best of ${runs}, warm cache)`);
      console.log(`  tar | sha256sum            ${result.tarSha256sumMiBps.toFixed(0)} MiB/s (baseline)`);
      console.log(`  cognix digest              ${result.cognixDigestMiBps.toFixed(0)} MiB/s  ratio ${result.digestRatio.toFixed(2)} (target ≥ 0.80)`);
      console.log(`  cognix stream + verify     ${result.cognixStreamVerifyMiBps.toFixed(0)} MiB/s  ratio ${result.streamRatio.toFixed(2)}`);
      console.log(`  peak RSS while streaming   ${result.peakRssMiB.toFixed(0)} MiB (target < 200 MiB)`);
    }
  } finally {
    if (!argv.includes("--keep")) rmSync(root, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
