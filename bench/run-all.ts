/**
 * Runs every benchmark (each with --json, one after another, on the compiled
 * tool: `npm run bench` builds first) and prints one Markdown table of the
 * ratios measured in this run against their targets, with the machine and
 * its load before and after. This table is README's "Measured here".
 *
 *   npx tsx bench/run-all.ts [--gib 2] [--json]
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({ options: { gib: { type: "string", default: "2" }, json: { type: "boolean", default: false } } });

/** One benchmark's --json result; a failure is reported and its rows say so, the others still run. */
function run<T>(script: string, args: string[] = []): T | undefined {
  process.stderr.write(`bench/${script} ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(REPO, "bench", script), ...args, "--json"], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 26,
  });
  if (r.status === 0) return JSON.parse(r.stdout.toString()) as T;
  process.stderr.write(`bench/${script} exited ${r.status}: its rows are left out\n`);
  failed.push(script);
  return undefined;
}

const failed: string[] = [];

interface Throughput {
  sha256LimitMiBps: number;
  oneLayerDigestMiBps: number;
  manyLayerDigestMiBps: number;
  loadMiBps: number;
  nixpkgsOnePassMiBps: number;
  manyLayers: number;
  layerBytes: number;
  readHashCeilingMiBps: number;
  ratios: { oneLayerDigest: number; manyLayerDigest: number; readHashCeiling: number; load: number; nixpkgsOnePass: number };
  peakRssMiB: number;
}
interface PushCpu {
  client: number;
  registry: number;
  coresBusy: number;
}
interface PushFirst {
  image: { bytes: number; layers: number; compression: string };
  skopeoMiBps: number;
  cognixMiBps: number;
  ratio: number;
  cpuSeconds: { skopeo: PushCpu; cognix: PushCpu };
  cores: number;
  ratioCeiling: number;
  storedMiB: { skopeo: number; cognix: number };
  cognixPeakRssMiB: number;
}
interface Startup {
  nodeMs: number;
  worst: { command: string; ms: number; ratio: number };
  commands: { command: string; ms: number; ratio: number }[];
}
interface Repush {
  image: { layers: number };
  ms: { skopeoRepush: number; cognixRepushWarmCache: number; cognixRepushEmptyCache: number; naiveRepush: number };
  speedup: { warmVsNaive: number; warmVsSkopeo: number; emptyCacheVsNaive: number; emptyCacheVsSkopeo: number };
}
interface Layering {
  rows: Record<string, Record<string, { shared: number; total: number }>>;
}
interface Levels {
  rows: { name: string; mibPerSecond: number; ratio: number; pushSeconds: number }[];
  bestGzip: string;
  bestZstd: string | null;
}
interface Weights {
  speedup: number;
  jobs: number;
}

interface Row {
  what: string;
  measured: string;
  ratio: number | undefined;
  target: string;
  met: boolean | undefined;
}

function machine(): string {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "unknown CPU";
  return `${availableParallelism()} cores (nproc), ${cpu}, Node ${process.versions.node}`;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(", ");

async function main(): Promise<void> {
  const loadBefore = load();
  const gib = values.gib;
  const tp = run<Throughput>("image-throughput.ts", ["--gib", gib]);
  const push = run<PushFirst>("push-first.ts", ["--gib", gib]);
  const start = run<Startup>("startup.ts");
  const repush = run<Repush>("push-repush.ts");
  const levels = run<Levels>("compress-levels.ts");
  const layering = run<Layering>("image-layering.ts");
  const weights = run<Weights>("weights-download.ts");
  const loadAfter = load();

  const mibps = (n: number): string => `${n.toFixed(0)} MiB/s`;
  const totals = (alg: string): { shared: number; total: number } =>
    Object.values(layering!.rows).reduce((t, r) => ({ shared: t.shared + r[alg]!.shared, total: t.total + r[alg]!.total }), { shared: 0, total: 0 });
  const ours = layering === undefined ? { shared: 0, total: 1 } : totals("cognix (pinned src+weights)");
  const auto = layering === undefined ? { shared: 0, total: 1 } : totals("nixpkgs auto-layer");
  const rows: Row[] = [];
  if (tp !== undefined) rows.push(
    { what: "sha256 limit: Node crypto, one core, 64 MiB buffer (baseline)", measured: mibps(tp.sha256LimitMiBps), ratio: 1, target: "", met: undefined },
    { what: `digest, one layer (${(tp.layerBytes / 2 ** 30).toFixed(1)} GiB closure-like tree)`, measured: mibps(tp.oneLayerDigestMiBps), ratio: tp.ratios.oneLayerDigest, target: "≥ 0.80 × limit", met: tp.ratios.oneLayerDigest >= 0.8 },
    { what: `digest, same tree as ${tp.manyLayers} layers in parallel`, measured: mibps(tp.manyLayerDigestMiBps), ratio: tp.ratios.manyLayerDigest, target: "≥ 1.60 × limit", met: tp.ratios.manyLayerDigest >= 1.6 },
    { what: `ceiling of the row above: the same files read and hashed on ${availableParallelism()} threads, no tar`, measured: mibps(tp.readHashCeilingMiBps), ratio: tp.ratios.readHashCeiling, target: "(× limit, for comparison)", met: undefined },
    { what: "load: docker-archive of the built image, digests verified", measured: mibps(tp.loadMiBps), ratio: tp.loadMiBps / tp.oneLayerDigestMiBps, target: "≥ 0.90 × one-layer digest", met: tp.loadMiBps / tp.oneLayerDigestMiBps >= 0.9 },
    { what: "nixpkgs stream_layered_image.py one pass (Python tarfile → sha256), same tree", measured: mibps(tp.nixpkgsOnePassMiBps), ratio: tp.ratios.nixpkgsOnePass, target: "(× limit, for comparison)", met: undefined },
    { what: "peak memory, `image digest` and `image load`", measured: `${tp.peakRssMiB.toFixed(0)} MiB`, ratio: undefined, target: "< 200 MiB", met: tp.peakRssMiB < 200 },
  );
  if (push !== undefined) rows.push(
    {
      what: `first push, ${(push.image.bytes / 2 ** 30).toFixed(1)} GiB ${push.image.layers}-layer model image (${push.image.compression}) vs skopeo copy of its OCI layout (${mibps(push.skopeoMiBps)})`,
      measured: mibps(push.cognixMiBps),
      ratio: push.ratio,
      target: "≥ 2.00 × skopeo",
      met: push.ratio >= 2,
    },
    {
      what:
        `ceiling of the row above: skopeo's time over cognix's CPU (client ${push.cpuSeconds.cognix.client.toFixed(1)} s + registry ${push.cpuSeconds.cognix.registry.toFixed(1)} s) spread over ${push.cores} cores; ` +
        `skopeo spent ${push.cpuSeconds.skopeo.client.toFixed(1)} s + ${push.cpuSeconds.skopeo.registry.toFixed(1)} s`,
      measured: "",
      ratio: push.ratioCeiling,
      target: "(for comparison)",
      met: undefined,
    },
    { what: "peak memory, `image push`", measured: `${push.cognixPeakRssMiB.toFixed(0)} MiB`, ratio: undefined, target: "< 200 MiB", met: push.cognixPeakRssMiB < 200 },
  );
  if (start !== undefined) rows.push(
    {
      what: `start-up, slowest command (${start.worst.command}) vs node -e 0 (${start.nodeMs.toFixed(0)} ms), median of 10`,
      measured: `${start.worst.ms.toFixed(0)} ms`,
      ratio: start.worst.ratio,
      target: "≤ 2.00 × node",
      met: start.worst.ratio <= 2,
    },
  );
  if (repush !== undefined) rows.push(
    {
      what: `re-push of an unchanged ${repush.image.layers}-layer image, empty cache, vs skopeo re-push (${repush.ms.skopeoRepush} ms)`,
      measured: `${repush.ms.cognixRepushEmptyCache} ms`,
      ratio: repush.speedup.emptyCacheVsSkopeo,
      target: "stays (7.9× before)",
      met: undefined,
    },
  );
  if (layering !== undefined) rows.push(
    { what: "layer sharing across related images: bytes re-uploaded, nixpkgs auto-layer / cognix", measured: `${((100 * ours.shared) / ours.total).toFixed(1)}% shared`, ratio: (auto.total - auto.shared) / (ours.total - ours.shared), target: "", met: undefined },
  );
  if (weights !== undefined) rows.push({ what: `run-time weight download, ${weights.jobs} ranged streams vs one`, measured: "", ratio: weights.speedup, target: "", met: undefined });
  const levelNote = levels === undefined ? "failed" : levels.rows.map((r) => `${r.name} ${r.mibPerSecond.toFixed(0)} MiB/s/core, ratio ${r.ratio.toFixed(3)}`).join("; ");
  const startNote = start === undefined ? "failed" : start.commands.map((c) => `${c.command.replace(/^cognix /, "")} ${c.ratio.toFixed(2)}`).join(", ");
  const chosen = levels === undefined ? "failed" : [levels.bestGzip, levels.bestZstd ?? "no zstd in this Node"].join(", ");
  const result = { machine: machine(), loadBefore, loadAfter, rows, levels: levelNote, chosen, startup: startNote, failed };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const mark = (m: boolean | undefined): string => (m === undefined ? "" : m ? "yes" : "**no**");
  const lines = [
    `Machine: ${result.machine}; load average ${loadBefore} before, ${loadAfter} after.`,
    "",
    "| benchmark (ratios against a baseline measured in the same run) | measured | ratio | target | met |",
    "| --- | ---: | ---: | --- | --- |",
    ...rows.map((r) => `| ${r.what} | ${r.measured} | ${r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${mark(r.met)} |`),
    "",
    `Compression levels (this machine's libraries, one core): ${levelNote}; fastest push over 1 Gbit/s: ${chosen}.`,
    "",
    `Start-up of each command (× node -e 0): ${startNote}.`,
    "",
    ...(failed.length > 0 ? [`Failed in this run (rows left out): ${failed.join(", ")}.`, ""] : []),
  ];
  process.stdout.write(lines.join("\n"));
  if (failed.length > 0) process.exitCode = 1;
}

await main();
