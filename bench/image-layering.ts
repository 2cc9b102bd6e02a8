/**
 * Shared-byte ratio between related images for three layering algorithms:
 * cognix's planner, nixpkgs' popularity layering and nixpkgs' auto layering
 * (both re-implemented in this folder as baselines). For each pair (A → B) it
 * reports the share of B's bytes that are in layers A already has (a registry
 * or a node that holds A skips them), and the bytes left to upload.
 *
 *   npx tsx bench/image-layering.ts [--max-layers 100] [--json]
 */
import { planLayers } from "../ts/image/plan.ts";
import type { ClosureNode } from "../ts/image/spec-types.ts";
import { autoLayers } from "./image-baseline-auto-layer.ts";
import { popularityLayers } from "./image-baseline-popularity.ts";
import { cogClosure, type Closure, type Variant } from "./image-synthetic-closures.ts";

type Layering = (c: Closure, maxLayers: number) => string[][];

const ALGORITHMS: Record<string, Layering> = {
  "cognix (pinned src+weights)": (c, max) =>
    planLayers(c.nodes, { maxLayers: max, reservedLayers: 1, ownLayer: [c.pathOf("model-src"), c.pathOf("model-weights")] }).layers.map((l) => l.paths ?? []),
  "cognix (no pins)": (c, max) => planLayers(c.nodes, { maxLayers: max, reservedLayers: 1 }).layers.map((l) => l.paths ?? []),
  "nixpkgs popularity": (c, max) => popularityLayers(c.nodes, max - 1),
  "nixpkgs auto-layer": (c, max) => autoLayers(c.nodes, max - 1),
};

const SCENARIOS: [string, Variant, Variant][] = [
  ["model code changed", { gpu: true }, { gpu: true, srcSalt: "v2" }],
  ["other model, same deps", { gpu: true }, { gpu: true, srcSalt: "other", weightsSalt: "other" }],
  ["small package bumped", { gpu: true }, { gpu: true, bump: { requests: "2.32.4" } }],
  ["leaf package bumped", { gpu: true }, { gpu: true, bump: { "pylib-ef": "9.9.9" } }],
  ["package added", { gpu: true }, { gpu: true, add: ["rich"] }],
  ["numpy bumped", { gpu: true }, { gpu: true, bump: { numpy: "2.1.4" } }],
  ["gpu vs cpu", { gpu: true }, { gpu: false }],
  ["torch bumped", { gpu: true }, { gpu: true, bump: { torch: "2.5.2" } }],
];

function sizes(nodes: readonly ClosureNode[]): Map<string, number> {
  return new Map(nodes.map((n) => [n.path, n.narSize]));
}

interface PairResult {
  shared: number;
  total: number;
  layersA: number;
  layersB: number;
}

function compare(a: Closure, b: Closure, layering: Layering, maxLayers: number): PairResult {
  const la = layering(a, maxLayers);
  const lb = layering(b, maxLayers);
  for (const [c, l] of [[a, la], [b, lb]] as const) {
    const placed = l.flat().sort();
    if (placed.length !== c.nodes.length || new Set(placed).size !== placed.length) throw new Error("layering lost or duplicated a path");
    if (l.length > maxLayers - 1) throw new Error(`layering used ${l.length} layers, limit ${maxLayers - 1}`);
  }
  const have = new Set(la.map((l) => [...l].sort().join(",")));
  const size = sizes(b.nodes);
  let shared = 0;
  let total = 0;
  for (const layer of lb) {
    const bytes = layer.reduce((s, p) => s + size.get(p)!, 0);
    total += bytes;
    if (have.has([...layer].sort().join(","))) shared += bytes;
  }
  return { shared, total, layersA: la.length, layersB: lb.length };
}

function main(argv: string[]): void {
  const i = argv.indexOf("--max-layers");
  const maxLayers = i >= 0 ? Number(argv[i + 1]) : 100;
  const json = argv.includes("--json");
  const rows: Record<string, Record<string, PairResult>> = {};
  for (const [name, va, vb] of SCENARIOS) {
    const a = cogClosure(va);
    const b = cogClosure(vb);
    rows[name] = {};
    for (const [alg, layering] of Object.entries(ALGORITHMS)) rows[name]![alg] = compare(a, b, layering, maxLayers);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ maxLayers, rows }, null, 2)}\n`);
    return;
  }
  const algs = Object.keys(ALGORITHMS);
  const gb = (n: number): string => `${(n / 1e9).toFixed(2)} GB`;
  const closure = cogClosure({ gpu: true });
  const closureBytes = closure.nodes.reduce((s, n) => s + n.narSize, 0);
  console.log(`image layering: shared-byte ratio of B with A (higher is better), max ${maxLayers} layers`);
  console.log(`GPU closure: ${closure.nodes.length} store paths, ${gb(closureBytes)}\n`);
  const w = 28;
  console.log(["scenario".padEnd(24), ...algs.map((a) => a.padStart(w))].join(""));
  const totals: Record<string, { shared: number; total: number }> = {};
  for (const [name, results] of Object.entries(rows)) {
    const cells = algs.map((alg) => {
      const r = results[alg]!;
      const t = (totals[alg] ??= { shared: 0, total: 0 });
      t.shared += r.shared;
      t.total += r.total;
      return `${((100 * r.shared) / r.total).toFixed(1)}% (${gb(r.total - r.shared)} up)`.padStart(w);
    });
    console.log([name.padEnd(24), ...cells].join(""));
  }
  console.log(["all scenarios".padEnd(24), ...algs.map((a) => `${((100 * totals[a]!.shared) / totals[a]!.total).toFixed(1)}%`.padStart(w))].join(""));
  const up = (alg: string): number => totals[alg]!.total - totals[alg]!.shared;
  const ours = "cognix (pinned src+weights)";
  console.log("");
  for (const base of ["nixpkgs popularity", "nixpkgs auto-layer"]) {
    console.log(`bytes re-uploaded, ${base} / ${ours}: ${(up(base) / up(ours)).toFixed(2)}x`);
    console.log(`bytes re-uploaded, ${base} / cognix (no pins): ${(up(base) / up("cognix (no pins)")).toFixed(2)}x`);
  }
}

main(process.argv.slice(2));
