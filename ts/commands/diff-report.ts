import type { ImageSpec, LayerSpec } from "../image/spec-types.ts";

export interface DiffLayer {
  id: string;
  bytes: number;
}

export interface DiffSide {
  layers: DiffLayer[];
  bytes: number;
}

export interface DiffReport {
  a: string;
  b: string;
  /** "diffId" when both specs are digested (exact), else "paths" (same store paths). */
  comparedBy: "diffId" | "paths";
  shared: DiffSide;
  onlyA: DiffSide;
  onlyB: DiffSide;
  paths: { shared: number; sharedNarSize: number; onlyA: string[]; onlyB: string[] };
}

function digested(spec: ImageSpec): boolean {
  return spec.layers.every((l) => l.diffId !== undefined);
}

/** What makes two layers the same: their digest, or without one the store paths (or entries) they hold. */
function layerKey(l: LayerSpec, by: "diffId" | "paths"): string {
  if (by === "diffId") return l.diffId!;
  if (l.kind === "store") return `store:${[...(l.paths ?? [])].sort().join("\n")}`;
  return `root:${JSON.stringify(l.entries ?? [])}`;
}

function bytes(l: LayerSpec): number {
  return l.size ?? l.narSize ?? 0;
}

function side(layers: readonly LayerSpec[]): DiffSide {
  const list = layers.map((l) => ({ id: l.id, bytes: bytes(l) })).sort((x, y) => y.bytes - x.bytes || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return { layers: list, bytes: list.reduce((s, l) => s + l.bytes, 0) };
}

/** Layers and store paths two images share, and what only one of them has. */
export function diffReport(a: ImageSpec, b: ImageSpec, names: { a: string; b: string }): DiffReport {
  const by = digested(a) && digested(b) ? "diffId" : "paths";
  const keysB = new Set(b.layers.map((l) => layerKey(l, by)));
  const keysA = new Set(a.layers.map((l) => layerKey(l, by)));
  const pathsA = new Map(a.closure.map((n) => [n.path, n.narSize]));
  const pathsB = new Set(b.closure.map((n) => n.path));
  const sharedPaths = [...pathsA.keys()].filter((p) => pathsB.has(p));
  return {
    a: names.a,
    b: names.b,
    comparedBy: by,
    shared: side(a.layers.filter((l) => keysB.has(layerKey(l, by)))),
    onlyA: side(a.layers.filter((l) => !keysB.has(layerKey(l, by)))),
    onlyB: side(b.layers.filter((l) => !keysA.has(layerKey(l, by)))),
    paths: {
      shared: sharedPaths.length,
      sharedNarSize: sharedPaths.reduce((s, p) => s + (pathsA.get(p) ?? 0), 0),
      onlyA: [...pathsA.keys()].filter((p) => !pathsB.has(p)).sort(),
      onlyB: [...pathsB].filter((p) => !pathsA.has(p)).sort(),
    },
  };
}
