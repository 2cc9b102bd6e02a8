import { canonicalJson } from "../util/canonical-json.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { parseClosureGraph } from "./closure-graph.ts";
import { parseImageConfig } from "./image-config.ts";
import { JsonReader, readJsonFile } from "../util/json-input.ts";
import { parseRootEntry } from "./root-entries.ts";
import type { ImageSpec, LayerSpec } from "./spec-types.ts";
import { parseBomInputs } from "../sbom/inputs.ts";

export const SPEC_VERSION = 1;

export function readSpec(file: string): ImageSpec {
  return parseSpec(readJsonFile(file), file);
}

export function writeSpec(file: string, spec: ImageSpec): void {
  writeFileAtomic(file, canonicalJson(spec));
}

/** Validates a spec document; every problem names the file and key. */
export function parseSpec(doc: unknown, file: string): ImageSpec {
  const r = new JsonReader(file);
  const o = r.object(doc, []);
  if (o["version"] !== SPEC_VERSION) r.fail(["version"], `unsupported spec version ${JSON.stringify(o["version"])} (expected ${SPEC_VERSION})`);
  if (o["os"] !== "linux") r.fail(["os"], 'expected "linux"');
  const planner = r.object(o["planner"], ["planner"]);
  const spec: ImageSpec = {
    version: SPEC_VERSION,
    name: r.string(o["name"], ["name"]),
    tag: r.string(o["tag"], ["tag"]),
    created: r.string(o["created"], ["created"]),
    mtime: r.integer(o["mtime"], ["mtime"]),
    architecture: r.string(o["architecture"], ["architecture"]),
    os: "linux",
    config: parseImageConfig(o["config"] ?? {}, file),
    closure: parseClosureGraph(r.array(o["closure"], ["closure"]), file),
    root: r.array(o["root"] ?? [], ["root"]).map((e, i) => parseRootEntry(r, e, ["root", i])),
    ownLayer: r.array(o["ownLayer"] ?? [], ["ownLayer"]).map((p, i) => r.absolutePath(p, ["ownLayer", i])),
    planner: {
      algorithm: r.string(planner["algorithm"], ["planner", "algorithm"]),
      maxLayers: r.integer(planner["maxLayers"], ["planner", "maxLayers"]),
      ownLayerThreshold: r.integer(planner["ownLayerThreshold"], ["planner", "ownLayerThreshold"]),
      buckets: r.integer(planner["buckets"], ["planner", "buckets"]),
    },
    layers: r.array(o["layers"], ["layers"]).map((l, i) => parseLayer(r, l, ["layers", i])),
  };
  if (o["bom"] !== undefined) spec.bom = parseBomInputs(o["bom"], file, ["bom"]);
  if (o["configDigest"] !== undefined) spec.configDigest = r.digest(o["configDigest"], ["configDigest"]);
  if (o["configSize"] !== undefined) spec.configSize = r.integer(o["configSize"], ["configSize"]);
  if (o["manifestDigest"] !== undefined) spec.manifestDigest = r.digest(o["manifestDigest"], ["manifestDigest"]);
  if (spec.layers.length === 0) r.fail(["layers"], "an image needs at least one layer");
  return spec;
}

function parseLayer(r: JsonReader, value: unknown, at: (string | number)[]): LayerSpec {
  const o = r.object(value, at);
  const kind = r.string(o["kind"], [...at, "kind"]);
  if (kind !== "store" && kind !== "root") r.fail([...at, "kind"], `expected "store" or "root", got ${JSON.stringify(kind)}`);
  const layer: LayerSpec = { id: r.string(o["id"], [...at, "id"]), kind };
  if (kind === "store") layer.paths = r.array(o["paths"], [...at, "paths"]).map((p, i) => r.absolutePath(p, [...at, "paths", i]));
  else layer.entries = r.array(o["entries"], [...at, "entries"]).map((e, i) => parseRootEntry(r, e, [...at, "entries", i]));
  if (o["narSize"] !== undefined) layer.narSize = r.integer(o["narSize"], [...at, "narSize"]);
  if (o["diffId"] !== undefined) layer.diffId = r.digest(o["diffId"], [...at, "diffId"]);
  if (o["size"] !== undefined) layer.size = r.integer(o["size"], [...at, "size"]);
  if (o["hardlinks"] !== undefined) {
    const links = r.object(o["hardlinks"], [...at, "hardlinks"]);
    layer.hardlinks = {};
    for (const k of Object.keys(links)) layer.hardlinks[k] = r.string(links[k], [...at, "hardlinks", k]);
  }
  return layer;
}
