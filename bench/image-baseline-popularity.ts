/**
 * Baseline: nixpkgs' popularity layering (referencesByPopularity as used by
 * buildLayeredImage/streamLayeredImage), re-implemented for the benchmark:
 * paths ordered by how many closure members depend on them, the first
 * maxLayers-1 each get a layer, everything else shares one last layer.
 */
import type { ClosureNode } from "../ts/image/spec-types.ts";

export function popularityLayers(nodes: readonly ClosureNode[], maxLayers: number): string[][] {
  const byPath = new Map(nodes.map((n) => [n.path, n]));
  const closureOf = new Map<string, Set<string>>();
  const closure = (p: string): Set<string> => {
    const known = closureOf.get(p);
    if (known) return known;
    const set = new Set<string>([p]);
    for (const r of byPath.get(p)!.references) for (const x of closure(r)) set.add(x);
    closureOf.set(p, set);
    return set;
  };
  const popularity = new Map<string, number>(nodes.map((n) => [n.path, 0]));
  for (const n of nodes) for (const dep of closure(n.path)) popularity.set(dep, popularity.get(dep)! + 1);
  const name = (p: string): string => p.slice(p.indexOf("-") + 1);
  const ordered = [...nodes]
    .map((n) => n.path)
    .sort((a, b) => popularity.get(b)! - popularity.get(a)! || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  const solo = ordered.slice(0, maxLayers - 1).map((p) => [p]);
  const rest = ordered.slice(maxLayers - 1);
  return rest.length > 0 ? [...solo, rest.sort()] : solo;
}
