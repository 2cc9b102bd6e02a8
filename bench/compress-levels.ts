/**
 * Which compression level to push with: speed and ratio of gzip (zlib) and
 * zstd (Node ≥ 22.15) levels on real libraries and Python files from this
 * machine, one core, 2 MiB blocks as the push compresses them; and the time
 * each level would take to push 1 GiB of such files on `nproc` cores over a
 * 1 Gbit/s link (compressing and uploading overlap, so the slower wins).
 *
 *   npx tsx bench/compress-levels.ts [--mib 128] [--json]
 */
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import { zstdAvailable } from "../ts/registry/block-compress.ts";

const MiB = 1024 * 1024;
const LINK_MIBPS = 1000 / 8 / 1.048576;

const { values } = parseArgs({ options: { mib: { type: "string", default: "128" }, json: { type: "boolean", default: false } } });

/** Real files, in name order, until `bytes`. */
function sample(bytes: number): Buffer {
  const parts: Buffer[] = [];
  let got = 0;
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      return;
    }
    for (const e of entries) {
      if (got >= bytes) return;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        try {
          const b = readFileSync(p);
          parts.push(b);
          got += b.length;
        } catch {
          // unreadable: skipped
        }
      }
    }
  };
  for (const d of ["/usr/lib/x86_64-linux-gnu", "/usr/lib/python3", "/usr/lib", "/usr/share"]) walk(d);
  return Buffer.concat(parts).subarray(0, bytes);
}

type Codec = (block: Buffer) => Buffer;

function gzipLevel(level: number): Codec {
  return (b) => zlib.deflateRawSync(b, { level, memLevel: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
}

function zstdLevel(level: number): Codec {
  const z = zlib as unknown as { zstdCompressSync: (b: Buffer, o: { params: Record<number, number> }) => Buffer; constants: Record<string, number> };
  return (b) => z.zstdCompressSync(b, { params: { [z.constants["ZSTD_c_compressionLevel"]!]: level } });
}

function measure(data: Buffer, codec: Codec): { mibPerSecond: number; ratio: number } {
  const start = process.hrtime.bigint();
  let out = 0;
  for (let off = 0; off < data.length; off += 2 * MiB) out += codec(data.subarray(off, off + 2 * MiB)).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { mibPerSecond: data.length / MiB / seconds, ratio: out / data.length };
}

const data = sample(Number(values.mib) * MiB);
const cores = availableParallelism();
const candidates: [string, Codec][] = [
  ["gzip 1", gzipLevel(1)],
  ["gzip 3", gzipLevel(3)],
  ["gzip 6", gzipLevel(6)],
  ...(zstdAvailable() ? ([["zstd 1", zstdLevel(1)], ["zstd 3", zstdLevel(3)], ["zstd 6", zstdLevel(6)]] as [string, Codec][]) : []),
];
const rows = candidates.map(([name, codec]) => {
  const m = measure(data, codec);
  // 1 GiB of such files: compressing on every core and uploading overlap.
  const pushSeconds = Math.max(1024 / (m.mibPerSecond * cores), (1024 * m.ratio) / LINK_MIBPS);
  return { name, ...m, pushSeconds };
});
const best = (prefix: string): string | undefined =>
  rows.filter((r) => r.name.startsWith(prefix)).reduce<(typeof rows)[number] | undefined>((b, r) => (b === undefined || r.pushSeconds < b.pushSeconds ? r : b), undefined)?.name;
const result = { sampleMiB: data.length / MiB, cores, linkMiBps: LINK_MIBPS, rows, bestGzip: best("gzip"), bestZstd: best("zstd") ?? null, node: process.versions.node };
if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  console.log(`compression levels on ${result.sampleMiB.toFixed(0)} MiB of this machine's libraries (Node ${result.node}, 2 MiB blocks)`);
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(8)} ${r.mibPerSecond.toFixed(0).padStart(5)} MiB/s/core  ratio ${r.ratio.toFixed(3)}  1 GiB over 1 Gbit/s on ${cores} cores: ${r.pushSeconds.toFixed(1)} s`);
  }
  console.log(`  fastest push: ${result.bestGzip}${result.bestZstd !== null ? `, ${result.bestZstd}` : " (no zstd in this Node)"}`);
}
