import type { ImageSpec, LayerSpec } from "../image/spec-types.ts";

export interface LayerSize {
  id: string;
  kind: "store" | "root";
  /** Uncompressed tar size when digested, else the NAR size of its store paths. */
  bytes: number;
  measured: "tar" | "nar";
  paths: number;
  diffId: string | null;
}

export interface PathSize {
  path: string;
  narSize: number;
  /** Id of the layer holding it. */
  layer: string | null;
}

export interface SizeReport {
  image: string;
  totalBytes: number;
  closureNarSize: number;
  layers: LayerSize[];
  paths: PathSize[];
}

function layerBytes(l: LayerSpec): { bytes: number; measured: "tar" | "nar" } {
  return l.size !== undefined ? { bytes: l.size, measured: "tar" } : { bytes: l.narSize ?? 0, measured: "nar" };
}

const bySizeThenName = <T>(size: (t: T) => number, name: (t: T) => string) => (a: T, b: T): number =>
  size(b) - size(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);

/** What each layer and store path contributes, largest first (ties by name, so stable). */
export function sizeReport(spec: ImageSpec): SizeReport {
  const layerOf = new Map<string, string>();
  for (const l of spec.layers) for (const p of l.paths ?? []) layerOf.set(p, l.id);
  const layers: LayerSize[] = spec.layers
    .map((l) => ({
      id: l.id,
      kind: l.kind,
      ...layerBytes(l),
      paths: l.kind === "store" ? (l.paths?.length ?? 0) : (l.entries?.length ?? 0),
      diffId: l.diffId ?? null,
    }))
    .sort(bySizeThenName((l) => l.bytes, (l) => l.id));
  const paths: PathSize[] = spec.closure
    .map((n) => ({ path: n.path, narSize: n.narSize, layer: layerOf.get(n.path) ?? null }))
    .sort(bySizeThenName((p) => p.narSize, (p) => p.path));
  return {
    image: `${spec.name}:${spec.tag}`,
    totalBytes: layers.reduce((s, l) => s + l.bytes, 0),
    closureNarSize: paths.reduce((s, p) => s + p.narSize, 0),
    layers,
    paths,
  };
}
