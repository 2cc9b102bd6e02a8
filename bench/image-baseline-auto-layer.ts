/**
 * Baseline: nixpkgs' newer auto layering (pkgs/build-support/docker/auto-layer),
 * re-implemented from its description for the benchmark: repeatedly take the
 * largest remaining path as a new "primary"; every path belongs to the layer
 * named by the set of primaries that depend on it (a dependency of a primary
 * leaves the layers of that primary's users); stop before the limit is hit.
 */
import type { ClosureNode } from "../ts/image/spec-types.ts";

function reach(start: string, next: (p: string) => Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const todo = [...next(start)];
  while (todo.length > 0) {
    const p = todo.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    todo.push(...next(p));
  }
  return seen;
}

export function autoLayers(nodes: readonly ClosureNode[], maxLayers: number): string[][] {
  const refs = new Map(nodes.map((n) => [n.path, n.references]));
  const users = new Map<string, string[]>(nodes.map((n) => [n.path, []]));
  for (const n of nodes) for (const r of n.references) users.get(r)!.push(n.path);
  // Layer keys are sorted, joined primary sets; "" is the layer of paths no primary depends on.
  let split = new Map<string, Set<string>>(nodes.map((n) => [n.path, new Set<string>()]));
  const countLayers = (s: Map<string, Set<string>>): number => new Set([...s.values()].map((v) => [...v].sort().join("|"))).size;
  const bySize = [...nodes].sort((a, b) => a.narSize - b.narSize || (a.path < b.path ? -1 : 1));
  while (bySize.length > 0) {
    const primary = bySize.pop()!.path;
    const next = new Map([...split].map(([k, v]) => [k, new Set(v)]));
    next.set(primary, new Set([primary]));
    const deps = reach(primary, (p) => refs.get(p)!);
    const ups = reach(primary, (p) => users.get(p)!);
    for (const dep of deps) {
      const set = next.get(dep)!;
      for (const u of ups) set.delete(u);
      if (![...set].some((x) => deps.has(x))) set.add(primary);
    }
    if (countLayers(next) > maxLayers) break;
    split = next;
  }
  const layers = new Map<string, string[]>();
  for (const [path, set] of split) {
    const key = [...set].sort().join("|");
    layers.set(key, [...(layers.get(key) ?? []), path]);
  }
  return [...layers.values()].map((l) => l.sort());
}
