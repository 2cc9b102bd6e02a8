import { CognixError } from "../util/errors.ts";
import type { ClosureNode } from "./spec-types.ts";

export function closureIndex(nodes: readonly ClosureNode[]): Map<string, ClosureNode> {
  return new Map(nodes.map((n) => [n.path, n]));
}

/** Referrers before references (Kahn's algorithm, ties by path for stability). */
export function topologicalOrder(nodes: readonly ClosureNode[]): string[] {
  const indegree = new Map<string, number>(nodes.map((n) => [n.path, 0]));
  for (const n of nodes) for (const r of n.references) indegree.set(r, (indegree.get(r) ?? 0) + 1);
  const byPath = closureIndex(nodes);
  const ready = nodes.filter((n) => indegree.get(n.path) === 0).map((n) => n.path).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const p = ready.shift()!;
    order.push(p);
    for (const r of byPath.get(p)!.references) {
      const d = indegree.get(r)! - 1;
      indegree.set(r, d);
      if (d === 0) ready.push(r);
    }
  }
  if (order.length !== nodes.length) throw new CognixError({ message: "the closure graph has a reference cycle between different store paths" });
  return order;
}

/**
 * Immediate dominators with the graph roots hanging off a virtual root:
 * idom(v) is the last path every chain from a root to v goes through
 * (undefined when only the virtual root dominates v).
 */
export function immediateDominators(nodes: readonly ClosureNode[]): Map<string, string | undefined> {
  const order = topologicalOrder(nodes);
  const referrers = new Map<string, string[]>(nodes.map((n) => [n.path, []]));
  for (const n of nodes) for (const r of n.references) referrers.get(r)!.push(n.path);
  const idom = new Map<string, string | undefined>();
  const depth = new Map<string, number>();
  const lca = (a: string | undefined, b: string | undefined): string | undefined => {
    while (a !== b) {
      if (a === undefined || b === undefined) return undefined;
      const da = depth.get(a)!;
      const db = depth.get(b)!;
      if (da >= db) a = idom.get(a);
      if (db >= da) b = idom.get(b);
    }
    return a;
  };
  for (const p of order) {
    const refs = referrers.get(p)!;
    let d: string | undefined;
    if (refs.length > 0) {
      d = refs[0];
      for (const r of refs.slice(1)) d = lca(d, r);
    }
    idom.set(p, d);
    depth.set(p, d === undefined ? 1 : depth.get(d)! + 1);
  }
  return idom;
}

/** Height of each path: 0 for leaves, else 1 + the highest of its references. */
export function heights(nodes: readonly ClosureNode[]): Map<string, number> {
  const order = topologicalOrder(nodes).reverse();
  const byPath = closureIndex(nodes);
  const h = new Map<string, number>();
  for (const p of order) {
    let best = 0;
    for (const r of byPath.get(p)!.references) best = Math.max(best, h.get(r)! + 1);
    h.set(p, best);
  }
  return h;
}

/** Number of paths in each path's closure (itself included), via bitsets. */
export function closureSizes(nodes: readonly ClosureNode[]): Map<string, number> {
  const order = topologicalOrder(nodes).reverse();
  const index = new Map(nodes.map((n, i) => [n.path, i]));
  const words = Math.ceil(nodes.length / 32);
  const byPath = closureIndex(nodes);
  const sets = new Map<string, Uint32Array>();
  const counts = new Map<string, number>();
  for (const p of order) {
    const set = new Uint32Array(words);
    const i = index.get(p)!;
    set[i >>> 5]! |= 1 << (i & 31);
    for (const r of byPath.get(p)!.references) {
      const rs = sets.get(r)!;
      for (let w = 0; w < words; w++) set[w]! |= rs[w]!;
    }
    sets.set(p, set);
    let c = 0;
    for (let w = 0; w < words; w++) {
      let v = set[w]!;
      while (v !== 0) {
        v &= v - 1;
        c++;
      }
    }
    counts.set(p, c);
  }
  return counts;
}
