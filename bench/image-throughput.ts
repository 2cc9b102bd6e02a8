/**
 * Layer digest and stream throughput against the hardware's limit, all in one
 * run over the same generated closure-like tree on a warm page cache:
 *
 *   - limit: Node's sha256 over one 64 MiB buffer, one core;
 *   - cognix digest of the tree as one layer (target ≥ 0.80 × limit);
 *   - cognix digest of the tree as many layers, in parallel (target ≥ 1.6 × limit on 2 cores);
 *   - the ceiling for that row: the same files read and hashed on every
 *     core with no tar (lib/read-hash-ceiling.ts);
 *   - cognix load of the many-layer image (a docker-archive to /dev/null,
 *     verifying every layer's known digest; target: the one-layer digest rate);
 *   - nixpkgs' one pass (stream_layered_image.py's algorithm, re-implemented
 *     in lib/nixpkgs-one-pass.py), for comparison.
 *
 * The cognix runs time the compiled tool (`npm run build`) in a process of
 * their own once Node has started (start-up is bench/startup.ts's concern);
 * peak memory (target < 200 MiB) is that of the `cognix image digest` and
 * `load` commands themselves.
 *
 *   npx tsx bench/image-throughput.ts [--gib 2] [--runs 3] [--dir /var/tmp] [--keep] [--json] [--tool dist/image/main.js]
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateClosure } from "./lib/closure-tree.ts";
import { measure, type Measured } from "./lib/measure.ts";

const MiB = 1024 * 1024;
const REPO = fileURLToPath(new URL("..", import.meta.url));

const { values } = parseArgs({
  options: {
    gib: { type: "string", default: "2" },
    runs: { type: "string", default: "3" },
    dir: { type: "string", default: "/var/tmp" },
    keep: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    /** The compiled image tool to measure. */
    tool: { type: "string", default: join(REPO, "dist/image/main.js") },
  },
});
const TOOL = values.tool;

function treeBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((s, n) => s + treeBytes(join(path, n)), 0);
}

function planFile(file: string, layers: string[][]): void {
  writeFileSync(
    file,
    JSON.stringify({
      version: 1, name: "bench", tag: "bench", created: "1970-01-01T00:00:01Z", mtime: 1, architecture: "amd64", os: "linux",
      config: {}, closure: [], root: [], ownLayer: [],
      planner: { algorithm: "bench", maxLayers: 125, ownLayerThreshold: 0, buckets: 1 },
      layers: layers.map((paths, i) => ({ id: `l${i}`, kind: "store", paths, narSize: paths.reduce((s, p) => s + treeBytes(p), 0) })),
    }),
  );
}

/** Small paths grouped so the many-layer image has about as many layers as a real one. */
function manyLayers(paths: string[], perLayer: number): string[][] {
  const big = paths.filter((p) => p.includes("/big"));
  const small = paths.filter((p) => !p.includes("/big"));
  const groups: string[][] = big.map((p) => [p]);
  for (let i = 0; i < small.length; i += perLayer) groups.push(small.slice(i, i + perLayer));
  return groups;
}

function sha256Limit(): number {
  const m = measure(process.execPath, ["--import", "tsx", join(REPO, "bench/lib/sha256-limit.ts")], { cwd: REPO, keepStdout: true });
  return (JSON.parse(m.stdout) as { mibPerSecond: number }).mibPerSecond;
}

/** MiB/s of reading and hashing the plan's files on every core, no tar. */
function ceiling(plan: string): number {
  const m = measure(process.execPath, ["--import", "tsx", join(REPO, "bench/lib/read-hash-ceiling.ts"), plan], { cwd: REPO, keepStdout: true });
  const r = JSON.parse(m.stdout) as { seconds: number; bytes: number };
  return r.bytes / MiB / r.seconds;
}

/** MiB/s of one operation of the compiled tool, timed inside its process. */
function timed(op: "digest" | "load", file: string): number {
  const m = measure(process.execPath, ["--import", "tsx", join(REPO, "bench/lib/image-child.ts"), op, file, dirname(dirname(TOOL))], { cwd: REPO, keepStdout: true });
  const r = JSON.parse(m.stdout) as { seconds: number; bytes: number };
  return r.bytes / MiB / r.seconds;
}

async function main(): Promise<void> {
  const runs = Number(values.runs);
  const root = mkdtempSync(join(values.dir, "cognix-bench-"));
  try {
    const paths = generateClosure(root, Math.round(Number(values.gib) * 1024 * MiB));
    const one = join(root, "one.plan.json");
    const many = join(root, "many.plan.json");
    const groups = manyLayers(paths, 4);
    planFile(one, [paths]);
    planFile(many, groups);
    const digest = (plan: string, out: string): Measured => measure(process.execPath, [TOOL, "digest", "--spec", plan, "--out", out]);
    const python = (): Measured => measure("python3", [join(REPO, "bench/lib/nixpkgs-one-pass.py"), ...paths]);
    // The commands as users run them: this writes the digested specs, warms
    // the page cache and gives the peak memory.
    const oneSpec = join(root, "one.spec.json");
    const manySpec = join(root, "many.spec.json");
    const cli = [digest(one, oneSpec), digest(many, manySpec), measure(process.execPath, [TOOL, "load", "--spec", manySpec])];
    const peakRssMiB = Math.max(...cli.map((m) => m.maxRssMiB));
    const spec = JSON.parse(readFileSync(oneSpec, "utf8")) as { layers: { size: number }[] };
    const bytes = spec.layers[0]!.size;
    let limit = 0;
    let oneBest = 0;
    let manyBest = 0;
    let ceilingBest = 0;
    let loadBest = 0;
    let nixBest = 0;
    for (let r = 0; r < runs; r++) {
      limit = Math.max(limit, sha256Limit());
      oneBest = Math.max(oneBest, timed("digest", one));
      manyBest = Math.max(manyBest, timed("digest", many));
      ceilingBest = Math.max(ceilingBest, ceiling(many));
      loadBest = Math.max(loadBest, timed("load", manySpec));
      nixBest = Math.max(nixBest, bytes / MiB / python().seconds);
    }
    const result = {
      gib: Number(values.gib),
      layerBytes: bytes,
      manyLayers: groups.length,
      runs,
      sha256LimitMiBps: limit,
      oneLayerDigestMiBps: oneBest,
      manyLayerDigestMiBps: manyBest,
      readHashCeilingMiBps: ceilingBest,
      loadMiBps: loadBest,
      nixpkgsOnePassMiBps: nixBest,
      ratios: {
        oneLayerDigest: oneBest / limit,
        manyLayerDigest: manyBest / limit,
        readHashCeiling: ceilingBest / limit,
        load: loadBest / limit,
        nixpkgsOnePass: nixBest / limit,
      },
      peakRssMiB,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const row = (k: string, v: number, ratio: number, target: string): string =>
        `  ${k.padEnd(34)} ${v.toFixed(0).padStart(6)} MiB/s  ${ratio.toFixed(2)} × limit  ${target}`;
      console.log(`layer digest and stream over ${(bytes / 1024 / MiB).toFixed(2)} GiB (best of ${runs}, warm cache)`);
      console.log(`  ${"sha256 limit (one core, 64 MiB)".padEnd(34)} ${limit.toFixed(0).padStart(6)} MiB/s`);
      console.log(row("cognix digest, one layer", result.oneLayerDigestMiBps, result.ratios.oneLayerDigest, "(target ≥ 0.80)"));
      console.log(row(`cognix digest, ${groups.length} layers`, result.manyLayerDigestMiBps, result.ratios.manyLayerDigest, "(target ≥ 1.60)"));
      console.log(row(`read + hash, no tar, ${availableParallelism()} threads`, result.readHashCeilingMiBps, result.ratios.readHashCeiling, "(ceiling of the row above)"));
      console.log(row("cognix load (docker-archive)", result.loadMiBps, result.ratios.load, `(target ≥ ${(0.9 * result.ratios.oneLayerDigest).toFixed(2)}: 0.90 × one layer)`));
      console.log(row("nixpkgs one pass (Python tarfile)", result.nixpkgsOnePassMiBps, result.ratios.nixpkgsOnePass, ""));
      console.log(`  peak RSS                           ${result.peakRssMiB.toFixed(0).padStart(6)} MiB (target < 200)`);
    }
  } finally {
    if (!values.keep) rmSync(root, { recursive: true, force: true });
  }
}

await main();
