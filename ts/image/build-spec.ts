import { availableParallelism } from "node:os";
import { mapPool } from "../registry/pool.ts";
import { CognixError } from "../util/errors.ts";
import { imageConfigBlob, imageManifestBlob } from "./oci-image.ts";
import { digestLayer } from "./layer-source.ts";
import { planLayers, type PlanOptions } from "./plan.ts";
import { SPEC_VERSION } from "./spec-file.ts";
import type { ClosureNode, ImageConfig, ImageSpec, LayerSpec, RootEntry } from "./spec-types.ts";
import { restrictToClosure, type BomInputs } from "../sbom/inputs.ts";
import { withSbomLabel } from "../sbom/document.ts";

export const DEFAULT_CREATED = "1970-01-01T00:00:01Z";

export interface SpecInputs {
  closure: ClosureNode[];
  config: ImageConfig;
  root?: RootEntry[];
  ownLayer?: string[];
  maxLayers?: number;
  ownLayerThreshold?: number;
  buckets?: number;
  created?: string;
  architecture?: string;
  name?: string;
  tag?: string;
  /** SBOM facts from the Nix evaluation; with them the config gets the SBOM's digest as a label. */
  bom?: BomInputs;
}

/** Seconds since the epoch of an RFC 3339 time, the mtime of every entry. */
function epochOf(created: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(created)) {
    throw new CognixError({ path: ["created"], message: `expected an RFC 3339 time such as ${DEFAULT_CREATED}, got ${JSON.stringify(created)}` });
  }
  return Math.floor(Date.parse(created) / 1000);
}

/** Root layers: each `"layer": "own"` copy alone, then everything else in one top layer. */
function rootLayers(root: readonly RootEntry[]): LayerSpec[] {
  const own = root.filter((e) => e.type === "copy" && e.layer === "own");
  const top = root.filter((e) => !(e.type === "copy" && e.layer === "own"));
  const layers: LayerSpec[] = own.map((e) => ({ id: `copy:${e.path}`, kind: "root", entries: [e] }));
  if (top.length > 0) layers.push({ id: "root", kind: "root", entries: [...top] });
  return layers;
}

/** Plans the layers without reading any file content. */
export function planSpec(inputs: SpecInputs): ImageSpec {
  const created = inputs.created ?? "1970-01-01T00:00:01Z";
  const root = inputs.root ?? [];
  const roots = rootLayers(root);
  const opts: PlanOptions = { reservedLayers: roots.length, ownLayer: inputs.ownLayer ?? [] };
  if (inputs.maxLayers !== undefined) opts.maxLayers = inputs.maxLayers;
  if (inputs.ownLayerThreshold !== undefined) opts.ownLayerThreshold = inputs.ownLayerThreshold;
  if (inputs.buckets !== undefined) opts.buckets = inputs.buckets;
  const plan = planLayers(inputs.closure, opts);
  const layers = [...plan.layers, ...roots];
  if (layers.length === 0) throw new CognixError({ message: "nothing to put in the image: the closure and the root entries are empty" });
  const spec: ImageSpec = {
    version: SPEC_VERSION,
    name: inputs.name ?? "cognix-image",
    tag: inputs.tag ?? "latest",
    created,
    mtime: epochOf(created),
    architecture: inputs.architecture ?? "amd64",
    os: "linux",
    config: inputs.config,
    closure: inputs.closure,
    root,
    ownLayer: inputs.ownLayer ?? [],
    planner: plan.planner,
    layers,
  };
  if (inputs.bom !== undefined) spec.bom = restrictToClosure(inputs.bom, new Set(inputs.closure.map((n) => n.path)));
  return spec;
}

export interface DigestProgress {
  start(totalBytes: number, layers: number): void;
  layer(index: number, id: string): void;
  bytes(n: number): void;
  done(): void;
}

/**
 * Tars and digests every layer once (streaming) and records diffIds, sizes,
 * hard links, and the config and manifest digests in the spec. Layers are
 * digested `jobs` at a time, largest first, so the last one to finish is a
 * small one.
 */
export async function digestSpec(spec: ImageSpec, progress?: DigestProgress, jobs = availableParallelism()): Promise<ImageSpec> {
  const narTotal = spec.layers.reduce((s, l) => s + (l.narSize ?? 0), 0);
  progress?.start(narTotal, spec.layers.length);
  const order = spec.layers.map((_, i) => i).sort((a, b) => (spec.layers[b]!.narSize ?? 0) - (spec.layers[a]!.narSize ?? 0));
  // What is left after each layer in that order, to tell a layer that would run alone.
  const after = order.map(() => 0);
  for (let k = order.length - 2; k >= 0; k--) after[k] = after[k + 1]! + (spec.layers[order[k + 1]!]!.narSize ?? 0);
  const digests = await mapPool(order, jobs, (i, k) => {
    const layer = spec.layers[i]!;
    progress?.layer(i, layer.id);
    // A layer as large as all the rest per other core would leave cores idle
    // on one thread: it is read and hashed on two. Others take a thread each.
    const alone = (layer.narSize ?? 0) >= after[k]! / Math.max(1, jobs - 1);
    return digestLayer(spec, layer, progress ? (n) => progress.bytes(n) : undefined, alone ? "split" : "one-thread");
  });
  const byIndex = new Map(order.map((i, k) => [i, digests[k]!]));
  const layers = spec.layers.map((layer, i): LayerSpec => {
    const d = byIndex.get(i)!;
    const out: LayerSpec = { ...layer, diffId: d.diffId, size: d.size };
    if (Object.keys(d.hardlinks).length > 0) out.hardlinks = d.hardlinks;
    else delete out.hardlinks;
    return out;
  });
  progress?.done();
  // The SBOM names the layers, so the label comes after them and before the config digest.
  const digested: ImageSpec = withSbomLabel({ ...spec, layers });
  const config = imageConfigBlob(digested);
  const manifest = imageManifestBlob(digested, config);
  return { ...digested, configDigest: config.digest, configSize: config.size, manifestDigest: manifest.digest };
}
