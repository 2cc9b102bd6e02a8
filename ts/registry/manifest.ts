import { sortKeys } from "../util/canonical-json.ts";
import { compressionOf } from "./compress.ts";
import { isObject, parseJson } from "../util/json-data.ts";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** The OCI image manifest bytes: sorted keys, no whitespace, so its digest is stable. */
export function buildManifest(config: Descriptor, layers: readonly Descriptor[]): Buffer {
  const m = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers };
  return Buffer.from(JSON.stringify(sortKeys(m)), "utf8");
}

/** A known compressed form of an uncompressed layer. */
export interface LayerMapping {
  diffId: string;
  digest: string;
  size: number;
  mediaType: string;
}

function descriptor(v: unknown): Descriptor | undefined {
  if (!isObject(v)) return undefined;
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== "string" || typeof digest !== "string" || typeof size !== "number") return undefined;
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) return undefined;
  return { mediaType, digest, size };
}

/** Config and layer descriptors of an image manifest (OCI or Docker v2); undefined for anything else. */
export function parseImageManifest(mediaType: string, body: Buffer): { config: Descriptor; layers: Descriptor[] } | undefined {
  const m = parseJson(body);
  if (!isObject(m)) return undefined;
  const type = typeof m.mediaType === "string" ? m.mediaType : mediaType;
  if (type !== OCI_MANIFEST && type !== DOCKER_MANIFEST) return undefined;
  const config = descriptor(m.config);
  if (config === undefined || !Array.isArray(m.layers)) return undefined;
  const layers: Descriptor[] = [];
  for (const l of m.layers) {
    const d = descriptor(l);
    if (d === undefined) return undefined;
    layers.push(d);
  }
  return { config, layers };
}

/** The config's rootfs.diff_ids, or undefined when it has none. */
export function diffIdsOf(config: Buffer): string[] | undefined {
  const c = parseJson(config);
  if (!isObject(c) || !isObject(c.rootfs) || !Array.isArray(c.rootfs.diff_ids)) return undefined;
  const ids = c.rootfs.diff_ids;
  return ids.every((x): x is string => typeof x === "string") ? ids : undefined;
}

/**
 * Pairs diff_ids[i] with layers[i]: the registry's own record of which
 * compressed blob holds which uncompressed layer.
 */
export function mappingsFrom(layers: readonly Descriptor[], diffIds: readonly string[]): LayerMapping[] {
  if (layers.length !== diffIds.length) return [];
  const out: LayerMapping[] = [];
  layers.forEach((l, i) => {
    const diffId = diffIds[i];
    if (diffId !== undefined && compressionOf(l.mediaType) !== undefined) {
      out.push({ diffId, digest: l.digest, size: l.size, mediaType: l.mediaType });
    }
  });
  return out;
}
