import type { ImageSpec } from "../types/image-spec.ts";
import { sha256Hex } from "./hash.ts";
import type { BomInputs, WeightFile, WeightSet } from "./inputs.ts";
import { githubPurl, pypiPurl } from "./purl.ts";
import { parseStorePath } from "./store-path.ts";
import { layerOfPath, subjectOf, type Subject } from "./subject.ts";

/** One thing the image holds (or downloads at start), format-neutral. */
export interface Component {
  /** Stable identifier: the store path, `weights:<set>` or `weights:<set>/<file>`, `nixpkgs`. */
  ref: string;
  kind: "nix" | "python" | "weight-set" | "weight-file" | "nixpkgs";
  name: string;
  version?: string;
  /** The file's own sha256 (wheel, weight file); for plain store paths the NAR's. */
  sha256?: string;
  purl?: string;
  /** Where the bytes were downloaded from. */
  downloads: string[];
  storePath?: string;
  /** NAR sha256 (hex) and size of a store path. */
  narSha256?: string;
  narSize?: number;
  /** diffId of the layer holding the store path. */
  layer?: string;
  /** Where name and version came from: the derivation, or the store path's name. */
  versionSource?: "derivation" | "store-path-name" | "uv.lock";
  weights?: { set: string; source: string; target: string; mode: "build" | "runtime"; size?: number };
  /** Contained items (a weight set's files). */
  children: Component[];
  /** refs of what this component needs at run time. */
  dependsOn: string[];
}

export interface BomModel {
  subject: Subject;
  nixpkgsRevision?: string;
  /** Sorted by ref. */
  components: Component[];
  /** What the image itself refers to: store paths no other path refers to, and run-time weight sets. */
  roots: string[];
}

const byRef = (a: { ref: string }, b: { ref: string }): number => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);

function fileComponent(set: WeightSet, f: WeightFile): Component {
  return {
    ref: `weights:${set.name}/${f.path}`,
    kind: "weight-file",
    name: f.path,
    sha256: f.sha256,
    downloads: [...f.urls],
    weights: { set: set.name, source: set.source, target: set.target, mode: set.mode, size: f.size },
    children: [],
    dependsOn: [],
  };
}

/** The image's bill of materials from its digested spec: closure, derivation facts, Python files, weights. */
export function bomModel(spec: ImageSpec): BomModel {
  // A spec read by readSpec has every list; one built in memory may leave some out.
  const given = spec.bom ?? {};
  const bom: BomInputs = { ...given, packages: given.packages ?? [], python: given.python ?? [], weights: given.weights ?? [] };
  const drv = new Map(bom.packages.map((p) => [p.path, p]));
  const py = new Map(bom.python.map((p) => [p.path, p]));
  const sets = new Map(bom.weights.filter((w) => w.path !== undefined).map((w) => [w.path as string, w]));
  const layers = layerOfPath(spec);
  const referenced = new Set(spec.closure.flatMap((n) => n.references));

  const components: Component[] = spec.closure.map((node) => {
    const parsed = parseStorePath(node.path);
    const c: Component = {
      ref: node.path,
      kind: "nix",
      name: parsed.name,
      downloads: [],
      storePath: node.path,
      narSize: node.narSize,
      versionSource: "store-path-name",
      children: [],
      dependsOn: [...node.references],
    };
    if (parsed.version !== "") c.version = parsed.version;
    const nar = node.narHash === undefined ? undefined : sha256Hex(node.narHash);
    if (nar !== undefined) {
      c.narSha256 = nar;
      c.sha256 = nar;
    }
    const layer = layers.get(node.path);
    if (layer !== undefined) c.layer = layer;
    const d = drv.get(node.path);
    if (d !== undefined) {
      c.name = d.pname;
      c.versionSource = "derivation";
      if (d.version !== "") c.version = d.version;
      else delete c.version;
    }
    const p = py.get(node.path);
    if (p !== undefined) {
      c.kind = "python";
      c.name = p.name;
      c.version = p.version;
      c.versionSource = "uv.lock";
      c.purl = pypiPurl(p.name, p.version);
      if (p.sha256 !== undefined) c.sha256 = p.sha256;
      else delete c.sha256;
      if (p.url !== undefined) c.downloads = [p.url];
    }
    const set = sets.get(node.path);
    if (set !== undefined) {
      c.kind = "weight-set";
      c.name = set.name;
      c.weights = { set: set.name, source: set.source, target: set.target, mode: set.mode };
      c.children = set.files.map((f) => fileComponent(set, f)).sort(byRef);
    }
    return c;
  });

  const runtime = bom.weights.filter((w) => w.mode === "runtime");
  for (const set of runtime) {
    components.push({
      ref: `weights:${set.name}`,
      kind: "weight-set",
      name: set.name,
      downloads: [],
      weights: { set: set.name, source: set.source, target: set.target, mode: set.mode },
      children: set.files.map((f) => fileComponent(set, f)).sort(byRef),
      dependsOn: [],
    });
  }
  if (bom.nixpkgsRevision !== undefined) {
    components.push({
      ref: "nixpkgs",
      kind: "nixpkgs",
      name: "nixpkgs",
      version: bom.nixpkgsRevision,
      purl: githubPurl("NixOS", "nixpkgs", bom.nixpkgsRevision),
      downloads: [],
      children: [],
      dependsOn: [],
    });
  }
  const roots = [
    ...spec.closure.filter((n) => !referenced.has(n.path)).map((n) => n.path),
    ...runtime.map((s) => `weights:${s.name}`),
  ].sort();
  const model: BomModel = { subject: subjectOf(spec), components: components.sort(byRef), roots };
  if (bom.nixpkgsRevision !== undefined) model.nixpkgsRevision = bom.nixpkgsRevision;
  return model;
}
