import { createHash } from "node:crypto";
import { CognixError } from "../util/errors.ts";
import type { ClosureNode, LayerSpec, PlannerInfo } from "./spec-types.ts";
import { closureIndex, closureSizes, heights, immediateDominators, topologicalOrder } from "./graph-analysis.ts";

export const PLANNER_ALGORITHM = "cognix-v1";
export const DEFAULT_MAX_LAYERS = 100;
export const DEFAULT_OWN_LAYER_THRESHOLD = 4 * 1024 * 1024;
/** A small path whose closure holds at least this share of all paths is an aggregate (env, wrapper). */
const AGGREGATE_SHARE = 0.75;

export interface PlanOptions {
  maxLayers?: number;
  /** Layers the caller adds on top (root filesystem, own copies). */
  reservedLayers?: number;
  /** Store paths that must each be a layer of their own, in this order, last. */
  ownLayer?: readonly string[];
  ownLayerThreshold?: number;
  buckets?: number;
}

export interface Plan {
  layers: LayerSpec[];
  planner: PlannerInfo;
}

/** "/nix/store/<hash>-python3.12-numpy-2.1.0" → "python3.12-numpy": the name with hash and version dropped. */
export function packageName(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dash = base.indexOf("-");
  const name = dash >= 0 ? base.slice(dash + 1) : base;
  const version = /-\d/.exec(name);
  return version === null ? name : name.slice(0, version.index);
}

function hash32(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0);
}

/**
 * A path's bucket: its "home" (the most fundamental big path it depends on,
 * e.g. the Python interpreter for Python packages) picks a run of buckets,
 * its name picks one inside the run. Packages that change together (all
 * dependents of one interpreter) then share buckets with each other rather
 * than with unrelated system libraries.
 */
function bucketOf(path: string, home: string | undefined, buckets: number): number {
  const run = Math.max(1, Math.floor(buckets / 2));
  const start = home === undefined ? 0 : hash32(`home:${packageName(home)}`);
  return (start + (hash32(packageName(path)) % run)) % buckets;
}

/** For each path, the owner in its closure (itself excluded) with the largest closure. */
function homes(nodes: readonly ClosureNode[], owners: ReadonlySet<string>, closureCount: ReadonlyMap<string, number>): Map<string, string | undefined> {
  const byPath = closureIndex(nodes);
  const home = new Map<string, string | undefined>();
  const better = (a: string | undefined, b: string | undefined): string | undefined => {
    if (a === undefined) return b;
    if (b === undefined) return a;
    const d = closureCount.get(a)! - closureCount.get(b)!;
    return d > 0 || (d === 0 && a < b) ? a : b;
  };
  for (const p of topologicalOrder(nodes).reverse()) {
    let best: string | undefined;
    for (const r of byPath.get(p)!.references) best = better(best, better(owners.has(r) ? r : undefined, home.get(r)));
    home.set(p, best);
  }
  return home;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * Groups a closure into layers so related images share most bytes:
 * - pinned paths and every path of at least `ownLayerThreshold` bytes get a
 *   layer of their own (largest first while slots last);
 * - a small path that only such a path reaches (it is dominated by it) joins
 *   that layer: it changes whenever its dominator does anyway;
 * - small aggregates (paths whose closure holds most of the image: Python
 *   environments, wrappers, the image root) change with almost any change, so
 *   they share one "top" layer instead of dirtying a bucket each time;
 * - the other small paths go to one of a fixed number of buckets chosen from
 *   their name without hash and version (see bucketOf), so a changed or
 *   added package touches one bucket and nothing else moves.
 * The number of buckets depends on the layer limit only, so it is the same
 * for every image built with the same limit.
 */
export function planLayers(nodes: readonly ClosureNode[], opts: PlanOptions = {}): Plan {
  const maxLayers = opts.maxLayers ?? DEFAULT_MAX_LAYERS;
  const reserved = opts.reservedLayers ?? 0;
  const threshold = opts.ownLayerThreshold ?? DEFAULT_OWN_LAYER_THRESHOLD;
  const budget = maxLayers - reserved;
  const pinned = [...new Set(opts.ownLayer ?? [])];
  if (budget < 1 || (nodes.length > pinned.length && budget < pinned.length + 1) || budget < pinned.length) {
    throw new CognixError({
      message: `--max-layers ${maxLayers} leaves no room: ${reserved} root layer(s), ${pinned.length} own-layer path(s) and at least one more layer are needed`,
    });
  }
  // Clamped so pinned layers plus buckets always fit the budget.
  const buckets = Math.max(1, Math.min(opts.buckets ?? Math.floor(budget / 3), budget - pinned.length));
  const planner: PlannerInfo = { algorithm: PLANNER_ALGORITHM, maxLayers, ownLayerThreshold: threshold, buckets };
  const byPath = closureIndex(nodes);
  for (const p of pinned) {
    if (!byPath.has(p)) throw new CognixError({ path: ["ownLayer"], message: `${p} is not in the closure` });
  }

  const pinnedSet = new Set(pinned);
  // One slot stays for the aggregate layer when there is room for it.
  const topSlot = budget - pinned.length - buckets >= 1;
  const ownSlots = Math.max(0, budget - pinned.length - buckets - (topSlot ? 1 : 0));
  const big = nodes
    .filter((n) => !pinnedSet.has(n.path) && n.narSize >= threshold)
    .sort((a, b) => b.narSize - a.narSize || (a.path < b.path ? -1 : 1))
    .slice(0, ownSlots)
    .map((n) => n.path);
  const owners = new Set([...pinned, ...big]);

  const idom = immediateDominators(nodes);
  const closureCount = closureSizes(nodes);
  const members = new Map<string, string[]>();
  const bucketMembers = new Map<number, string[]>();
  const aggregates: string[] = [];
  const home = homes(nodes, owners, closureCount);
  for (const owner of owners) members.set(owner, [owner]);
  for (const n of nodes) {
    if (owners.has(n.path)) continue;
    let d = idom.get(n.path);
    while (d !== undefined && !owners.has(d)) d = idom.get(d);
    if (d !== undefined) members.get(d)!.push(n.path);
    else if (topSlot && nodes.length > 2 && closureCount.get(n.path)! >= AGGREGATE_SHARE * nodes.length) aggregates.push(n.path);
    else {
      const b = bucketOf(n.path, home.get(n.path), buckets);
      const list = bucketMembers.get(b) ?? [];
      list.push(n.path);
      bucketMembers.set(b, list);
    }
  }

  const narSize = (paths: string[]): number => paths.reduce((s, p) => s + byPath.get(p)!.narSize, 0);
  const height = heights(nodes);
  const layers: LayerSpec[] = [];
  // Most depended-on (lowest) paths first so image layer chains share prefixes.
  const bigOrdered = [...big].sort((a, b) => height.get(a)! - height.get(b)! || (a < b ? -1 : 1));
  for (const owner of bigOrdered) {
    const paths = members.get(owner)!.sort();
    layers.push({ id: `store:${baseName(owner)}`, kind: "store", paths, narSize: narSize(paths) });
  }
  for (const b of [...bucketMembers.keys()].sort((x, y) => x - y)) {
    const paths = bucketMembers.get(b)!.sort();
    layers.push({ id: `bucket:${String(b).padStart(2, "0")}`, kind: "store", paths, narSize: narSize(paths) });
  }
  if (aggregates.length > 0) {
    const paths = aggregates.sort();
    layers.push({ id: "top", kind: "store", paths, narSize: narSize(paths) });
  }
  for (const owner of pinned) {
    const paths = members.get(owner)!.sort();
    layers.push({ id: `own:${baseName(owner)}`, kind: "store", paths, narSize: narSize(paths) });
  }
  return { layers, planner };
}
