import { createReadStream, existsSync, lstatSync, mkdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { archiveChunks, type ArchiveItem } from "./archive-tar.ts";
import { CognixError } from "../util/errors.ts";
import { readJsonFile } from "../util/json-input.ts";
import { digestedLayers, hexOf, uniqueLayers, imageConfigBlob, imageIndexBlob, imageManifestBlob, jsonBlob, MEDIA_INDEX, type Blob } from "./oci-image.ts";
import { ArchiveLayers } from "./archive-layers.ts";
import { compareNames } from "./layer-entries.ts";
import type { Handover } from "./layer-source.ts";
import { writeChunksAtomic } from "./write-stream.ts";
import type { DigestedLayer, ImageSpec } from "./spec-types.ts";

const LAYOUT = Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" }), "utf8");

interface LayoutParts {
  config: Blob;
  manifest: Blob;
  index: Blob;
  layers: DigestedLayer[];
}

function layoutParts(spec: ImageSpec, ref: string): LayoutParts {
  const config = imageConfigBlob(spec);
  const manifest = imageManifestBlob(spec, config);
  return { config, manifest, index: imageIndexBlob(manifest, ref), layers: uniqueLayers(digestedLayers(spec)) };
}

/** True when `path` is a regular file of `size` bytes whose sha256 is `hex`. */
async function holds(path: string, size: number, hex: string): Promise<boolean> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return false;
  }
  if (!st.isFile() || st.size !== size) return false;
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex") === hex;
}

/**
 * Writes an OCI image layout directory. Blobs already present whose bytes
 * hash to their name are kept (content addressed); new ones are written to
 * a temporary file, verified while streaming, then renamed. index.json goes last.
 */
export async function writeOciLayout(spec: ImageSpec, dir: string, ref: string, onLayer?: (id: string) => void): Promise<string> {
  const parts = layoutParts(spec, ref);
  const blobs = `${dir}/blobs/sha256`;
  mkdirSync(blobs, { recursive: true });
  const target = (layer: DigestedLayer): string => `${blobs}/${hexOf(layer.diffId)}`;
  const missing: DigestedLayer[] = [];
  // A blob of the right size may still hold other bytes (a crash, a tampered layout).
  for (const layer of parts.layers) if (!(await holds(target(layer), layer.size, hexOf(layer.diffId)))) missing.push(layer);
  const layerStreams = new ArchiveLayers(spec, missing);
  try {
    for (const [index, layer] of missing.entries()) {
      onLayer?.(layer.id);
      await writeChunksAtomic(target(layer), layerStreams.chunks(index, "views"));
    }
  } finally {
    layerStreams.close();
  }
  for (const blob of [parts.config, parts.manifest]) writeFileAtomic(`${blobs}/${hexOf(blob.digest)}`, blob.bytes);
  writeFileAtomic(`${dir}/oci-layout`, LAYOUT);
  writeFileAtomic(`${dir}/index.json`, mergeIndex(`${dir}/index.json`, parts.index));
  return parts.manifest.digest;
}

const REF_NAME = "org.opencontainers.image.ref.name";

interface IndexEntry {
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * Keeps the other images of an existing layout: entries with a different ref
 * name stay, the one with ours is replaced; entries are ordered by ref name.
 */
function mergeIndex(file: string, ours: Blob): Buffer {
  if (!existsSync(file)) return ours.bytes;
  const doc = readJsonFile(file);
  const existing = doc !== null && typeof doc === "object" && Array.isArray((doc as { manifests?: unknown }).manifests)
    ? ((doc as { manifests: unknown[] }).manifests.filter((m) => m !== null && typeof m === "object") as IndexEntry[])
    : undefined;
  if (existing === undefined) throw new CognixError({ file, path: ["manifests"], message: "not an OCI image index: expected a manifests array" });
  const mine = (JSON.parse(ours.bytes.toString("utf8")) as { manifests: IndexEntry[] }).manifests;
  const ref = mine[0]?.annotations?.[REF_NAME];
  const kept = existing.filter((m) => m.annotations?.[REF_NAME] !== ref);
  const refOf = (m: IndexEntry): string => m.annotations?.[REF_NAME] ?? "";
  const manifests = [...kept, ...mine].sort((a, b) => (refOf(a) < refOf(b) ? -1 : refOf(a) > refOf(b) ? 1 : 0));
  return jsonBlob({ schemaVersion: 2, mediaType: MEDIA_INDEX, manifests }).bytes;
}

/** The same layout as one tar stream (an OCI archive), entries in name order. */
export function ociArchiveChunks(spec: ImageSpec, ref: string, onLayer?: (id: string) => void, handover: Handover = "copies"): AsyncGenerator<Buffer> {
  const parts = layoutParts(spec, ref);
  const small: ArchiveItem[] = [
    { name: `blobs/sha256/${hexOf(parts.config.digest)}`, type: "file", bytes: parts.config.bytes },
    { name: `blobs/sha256/${hexOf(parts.manifest.digest)}`, type: "file", bytes: parts.manifest.bytes },
  ];
  const blobName = (layer: DigestedLayer): string => `blobs/sha256/${hexOf(layer.diffId)}`;
  // Layers in the order the archive holds them (by name), the order they stream in.
  const streamed = [...parts.layers].sort((a, b) => compareNames(blobName(a), blobName(b)));
  const layerStreams = new ArchiveLayers(spec, streamed);
  const blobItems: ArchiveItem[] = [
    ...small,
    ...streamed.map(
      (layer, index): ArchiveItem => ({
        name: blobName(layer),
        type: "file",
        size: layer.size,
        chunks: () => {
          onLayer?.(layer.id);
          return layerStreams.chunks(index, handover);
        },
      }),
    ),
  ].sort((a, b) => compareNames(a.name, b.name));
  const items: ArchiveItem[] = [
    { name: "blobs", type: "dir" },
    { name: "blobs/sha256", type: "dir" },
    ...blobItems,
    { name: "index.json", type: "file", bytes: parts.index.bytes },
    { name: "oci-layout", type: "file", bytes: LAYOUT },
  ];
  return layerStreams.closing(archiveChunks(items, spec.mtime));
}
