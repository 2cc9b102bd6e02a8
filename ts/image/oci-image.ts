import { createHash } from "node:crypto";
import { sortKeys } from "../util/canonical-json.ts";
import type { DigestedLayer, ImageSpec, LayerSpec } from "./spec-types.ts";
import { CognixError } from "../util/errors.ts";

export const MEDIA_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const MEDIA_INDEX = "application/vnd.oci.image.index.v1+json";
export const MEDIA_CONFIG = "application/vnd.oci.image.config.v1+json";
export const MEDIA_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

export interface Blob {
  digest: string;
  size: number;
  bytes: Buffer;
}

/** Compact JSON with sorted keys: the byte form of every blob cognix writes. */
export function jsonBlob(value: unknown): Blob {
  const bytes = Buffer.from(JSON.stringify(sortKeys(value)), "utf8");
  return { digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, size: bytes.length, bytes };
}

export function digestedLayers(spec: ImageSpec): DigestedLayer[] {
  return spec.layers.map((l: LayerSpec) => {
    if (l.diffId === undefined || l.size === undefined) {
      throw new CognixError({ message: `layer ${l.id} has no digest yet: run build-spec (or digest) first` });
    }
    return l as DigestedLayer;
  });
}

/** Each layer once, at its first place: an image may list the same bytes twice, a layout or archive holds them once. */
export function uniqueLayers(layers: DigestedLayer[]): DigestedLayer[] {
  const seen = new Set<string>();
  return layers.filter((l) => (seen.has(l.diffId) ? false : (seen.add(l.diffId), true)));
}

function describeLayer(l: LayerSpec): string {
  if (l.kind === "root") return `cognix ${l.id}: ${(l.entries ?? []).map((e) => e.path).join(" ")}`.slice(0, 400);
  const n = l.paths?.length ?? 0;
  return `cognix ${l.id}: ${n} store path${n === 1 ? "" : "s"}`;
}

/** The OCI image config blob: same spec, same bytes. */
export function imageConfigBlob(spec: ImageSpec): Blob {
  const layers = digestedLayers(spec);
  return jsonBlob({
    architecture: spec.architecture,
    os: spec.os,
    created: spec.created,
    config: spec.config,
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((l) => ({ created: spec.created, created_by: describeLayer(l) })),
  });
}

/** The OCI manifest over uncompressed layers (what `oci` and `load` write). */
export function imageManifestBlob(spec: ImageSpec, config: Blob = imageConfigBlob(spec)): Blob {
  return jsonBlob({
    schemaVersion: 2,
    mediaType: MEDIA_MANIFEST,
    config: { mediaType: MEDIA_CONFIG, digest: config.digest, size: config.size },
    layers: digestedLayers(spec).map((l) => ({ mediaType: MEDIA_LAYER_TAR, digest: l.diffId, size: l.size })),
  });
}

/** index.json of an OCI layout naming the image `ref` (umoci and skopeo look it up by this). */
export function imageIndexBlob(manifest: Blob, ref: string): Blob {
  return jsonBlob({
    schemaVersion: 2,
    mediaType: MEDIA_INDEX,
    manifests: [
      {
        mediaType: MEDIA_MANIFEST,
        digest: manifest.digest,
        size: manifest.size,
        annotations: { "org.opencontainers.image.ref.name": ref },
      },
    ],
  });
}

export function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(":") + 1);
}
