/**
 * First push of a multi-GB image to an empty local registry: cognix
 * (`image push` of the spec, compiled tool) against `skopeo copy` of the
 * same image's OCI layout (`image oci`), each run on a registry of its own
 * started empty, interleaved, best of `--runs`. The image is a model's:
 * random bytes standing in for safetensors weights (50%) and wheels (10%),
 * incompressible, and real libraries and Python files copied from this
 * machine (40%), compressible. Reports both throughputs (uncompressed image bytes per
 * second), the ratio (target ≥ 2), the bytes each stored and cognix's peak memory,
 * and where the CPU went: each client's CPU seconds and the registry's while
 * it took that client's push. With every core busy a push can take no less
 * than (client + registry CPU) / cores, which bounds the ratio from above.
 *
 *   npx tsx bench/push-first.ts [--gib 2] [--runs 2] [--compression gzip|zstd] [--node PATH] [--json]
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { haveTool, REGISTRY_BIN, startRegistry } from "../ts/registry/tests/helpers/registry.ts";
import { measure } from "./lib/measure.ts";

const SKOPEO = "/usr/bin/skopeo";
const MiB = 1024 * 1024;
const REPO = fileURLToPath(new URL("..", import.meta.url));
const TOOL = join(REPO, "dist/image/main.js");

const { values } = parseArgs({
  options: {
    gib: { type: "string", default: "2" },
    runs: { type: "string", default: "2" },
    compression: { type: "string", default: "gzip" },
    /** The Node that runs cognix (zstd needs Node ≥ 22.15). */
    node: { type: "string", default: process.execPath },
    dir: { type: "string", default: "/var/tmp" },
    json: { type: "boolean", default: false },
  },
});

/** Copies regular files from the system directories into `dest` until `bytes` are there. */
function copyRealFiles(dest: string, sources: string[], bytes: number): number {
  let copied = 0;
  const walk = (dir: string, rel: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (copied >= bytes) return;
      const from = join(dir, e.name);
      const to = join(dest, rel, e.name);
      if (e.isDirectory()) walk(from, join(rel, e.name));
      else if (e.isFile()) {
        try {
          mkdirSync(join(dest, rel), { recursive: true });
          copyFileSync(from, to);
          copied += statSync(to).size;
        } catch {
          // Unreadable files are skipped.
        }
      }
    }
  };
  for (const s of sources) walk(s, s.replaceAll("/", "_"));
  return copied;
}

function randomFile(file: string, bytes: number): void {
  const fd = openSync(file, "w");
  for (let left = bytes; left > 0; left -= Math.min(left, 16 * MiB)) writeSync(fd, randomBytes(Math.min(left, 16 * MiB)));
  closeSync(fd);
}

/**
 * The store paths of the image, one layer each: weights and wheels (random,
 * 60%), libraries and Python files (real, 40%) in paths of about 256 MiB.
 */
function makeImage(root: string, total: number): string[] {
  mkdirSync(root);
  const paths: string[] = [];
  const weights = join(root, "aaaa-model-weights");
  mkdirSync(weights);
  randomFile(join(weights, "model.safetensors"), Math.round(total * 0.5));
  paths.push(weights);
  const wheels = join(root, "aaab-wheels");
  mkdirSync(wheels);
  for (let i = 0; i < 4; i++) randomFile(join(wheels, `pkg${i}-1.0-py3-none-any.whl`), Math.round((total * 0.1) / 4));
  paths.push(wheels);
  const libs = join(root, "libs");
  mkdirSync(libs);
  const real = Math.round(total * 0.4);
  const got = copyRealFiles(libs, ["/usr/lib/x86_64-linux-gnu", "/usr/lib/python3", "/usr/lib", "/usr/share"], real);
  if (got < real * 0.9) throw new Error(`only ${got} bytes of system files to copy; use a smaller --gib`);
  // Split the copied tree's top directories into paths of about 256 MiB.
  let group: string[] = [];
  let groupBytes = 0;
  const flush = (): void => {
    if (group.length === 0) return;
    const p = join(root, `libs${String(paths.length).padStart(2, "0")}`);
    mkdirSync(p);
    group.forEach((g, k) => execFileSync("mv", [g, join(p, String(k))]));
    paths.push(p);
    group = [];
    groupBytes = 0;
  };
  const du = (p: string): number => {
    const st = statSync(p);
    return st.isDirectory() ? readdirSync(p).reduce((s, n) => s + du(join(p, n)), 0) : st.size;
  };
  const leaves = (p: string): string[] => {
    const kids = readdirSync(p).map((n) => join(p, n));
    return kids.flatMap((k) => (statSync(k).isDirectory() && du(k) > 256 * MiB ? leaves(k) : [k]));
  };
  for (const leaf of leaves(libs)) {
    group.push(leaf);
    groupBytes += du(leaf);
    if (groupBytes >= 256 * MiB) flush();
  }
  flush();
  rmSync(libs, { recursive: true, force: true });
  return paths;
}

function writePlan(file: string, paths: string[]): void {
  writeFileSync(
    file,
    JSON.stringify({
      version: 1, name: "bench", tag: "bench", created: "1970-01-01T00:00:01Z", mtime: 1, architecture: "amd64", os: "linux",
      config: { Entrypoint: ["/bin/sh"] }, closure: [], root: [], ownLayer: [],
      planner: { algorithm: "bench", maxLayers: 125, ownLayerThreshold: 0, buckets: 1 },
      layers: paths.map((p, i) => ({ id: `l${i}`, kind: "store", paths: [p] })),
    }),
  );
}

function storedBytes(dir: string): number {
  const st = statSync(dir);
  return st.isDirectory() ? readdirSync(dir).reduce((s, n) => s + storedBytes(join(dir, n)), 0) : st.size;
}

async function main(): Promise<void> {
  const missing = [REGISTRY_BIN, SKOPEO].filter((t) => !haveTool(t));
  if (missing.length > 0) {
    process.stderr.write(`push-first: missing ${missing.join(", ")}; nothing measured\n`);
    process.exitCode = 2;
    return;
  }
  const runs = Number(values.runs);
  const work = mkdtempSync(join(values.dir, "cognix-bench-push-"));
  try {
    const paths = makeImage(join(work, "tree"), Math.round(Number(values.gib) * 1024 * MiB));
    const plan = join(work, "plan.json");
    const spec = join(work, "spec.json");
    writePlan(plan, paths);
    execFileSync(process.execPath, [TOOL, "digest", "--spec", plan, "--out", spec]);
    const layout = join(work, "oci");
    execFileSync(process.execPath, [TOOL, "oci", "--spec", spec, layout, "--tag", "bench"]);
    const imageBytes = (JSON.parse(readFileSync(spec, "utf8")) as { layers: { size: number }[] }).layers.reduce((s, l) => s + l.size, 0);

    /** The best run of each: wall seconds, the client's CPU and the registry's. */
    interface Run {
      seconds: number;
      clientCpu: number;
      registryCpu: number;
    }
    let skopeoBest: Run = { seconds: Infinity, clientCpu: 0, registryCpu: 0 };
    let cognixBest: Run = { seconds: Infinity, clientCpu: 0, registryCpu: 0 };
    let cognixRss = 0;
    let skopeoStored = 0;
    let cognixStored = 0;
    let skopeoMediaType = "";
    for (let r = 0; r < runs; r++) {
      const a = await startRegistry();
      try {
        const m = measure(SKOPEO, ["--insecure-policy", "copy", "--dest-tls-verify=false", `oci:${layout}:bench`, `docker://${a.host}/bench/skopeo:1`]);
        if (m.seconds < skopeoBest.seconds) skopeoBest = { seconds: m.seconds, clientCpu: m.cpuSeconds, registryCpu: a.cpuSeconds() };
        skopeoStored = storedBytes(join(a.root, "data"));
        const manifest = execFileSync(SKOPEO, ["inspect", "--raw", "--tls-verify=false", `docker://${a.host}/bench/skopeo:1`]).toString();
        skopeoMediaType = (JSON.parse(manifest) as { layers: { mediaType: string }[] }).layers[0]?.mediaType ?? "";
      } finally {
        await a.stop();
      }
      const b = await startRegistry();
      try {
        const cache = join(work, `cache-${r}`);
        const m = measure(values.node, [TOOL, "push", "--spec", spec, `${b.host}/bench/cognix:1`, "--insecure", "--cache-dir", cache, "--compression", values.compression]);
        if (m.seconds < cognixBest.seconds) cognixBest = { seconds: m.seconds, clientCpu: m.cpuSeconds, registryCpu: b.cpuSeconds() };
        cognixRss = Math.max(cognixRss, m.maxRssMiB);
        cognixStored = storedBytes(join(b.root, "data"));
      } finally {
        await b.stop();
      }
    }
    const cores = availableParallelism();
    const floor = (x: Run): number => (x.clientCpu + x.registryCpu) / cores;
    const cpu = (x: Run): { client: number; registry: number; coresBusy: number } => ({
      client: x.clientCpu,
      registry: x.registryCpu,
      coresBusy: (x.clientCpu + x.registryCpu) / x.seconds,
    });
    const rate = (s: number): number => imageBytes / MiB / s;
    const result = {
      image: { bytes: imageBytes, layers: paths.length, compression: values.compression, node: execFileSync(values.node, ["--version"]).toString().trim() },
      runs,
      skopeoMiBps: rate(skopeoBest.seconds),
      cognixMiBps: rate(cognixBest.seconds),
      ratio: skopeoBest.seconds / cognixBest.seconds,
      cpuSeconds: { skopeo: cpu(skopeoBest), cognix: cpu(cognixBest) },
      cores,
      /** The ratio cognix would reach with every core busy, at the CPU it and the registry spent. */
      ratioCeiling: skopeoBest.seconds / floor(cognixBest),
      storedMiB: { skopeo: skopeoStored / MiB, cognix: cognixStored / MiB },
      skopeoLayerMediaType: skopeoMediaType,
      cognixPeakRssMiB: cognixRss,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      console.log(`first push of a ${(imageBytes / 1024 / MiB).toFixed(2)} GiB, ${paths.length}-layer image to an empty local registry (best of ${runs})`);
      console.log(`  skopeo copy (OCI layout)   ${result.skopeoMiBps.toFixed(0).padStart(5)} MiB/s, stores ${result.storedMiB.skopeo.toFixed(0)} MiB (${skopeoMediaType})`);
      console.log(`  cognix push (${values.compression})       ${result.cognixMiBps.toFixed(0).padStart(5)} MiB/s, stores ${result.storedMiB.cognix.toFixed(0)} MiB, peak RSS ${cognixRss.toFixed(0)} MiB`);
      console.log(`  ratio ${result.ratio.toFixed(2)} (target ≥ 2.00)`);
      const line = (who: string, c: { client: number; registry: number; coresBusy: number }): string =>
        `  CPU, ${who}: client ${c.client.toFixed(1)} s + registry ${c.registry.toFixed(1)} s, ${c.coresBusy.toFixed(2)} of ${cores} cores busy`;
      console.log(line("skopeo", result.cpuSeconds.skopeo));
      console.log(line("cognix", result.cpuSeconds.cognix));
      console.log(`  ratio with all ${cores} cores busy at that CPU cost: ${result.ratioCeiling.toFixed(2)}`);
    }
  } finally {
    if (process.env["KEEP"] === undefined) rmSync(work, { recursive: true, force: true });
    else process.stderr.write(`kept ${work}\n`);
  }
}

await main();
