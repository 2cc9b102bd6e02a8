import { Readable } from "node:stream";
import { collectLayerEntries, findHardlinks } from "./layer-entries.ts";
import { digestChunks, layerTarChunks, verifiedChunks, type DigestResult } from "./layer-stream.ts";
import type { DigestedLayer, ImageSpec, LayerSpec } from "./spec-types.ts";

export interface LayerDigest extends DigestResult {
  hardlinks: Record<string, string>;
}

/** Tars and digests a layer once, deciding its hard links from the files' inodes. */
export async function digestLayer(spec: ImageSpec, layer: LayerSpec, onBytes?: (n: number) => void): Promise<LayerDigest> {
  const entries = collectLayerEntries(layer);
  const hardlinks = findHardlinks(entries);
  const result = await digestChunks(layerTarChunks(entries, hardlinks, spec.mtime), onBytes);
  return { ...result, hardlinks };
}

/**
 * The layer tar again, from the store, with the hard links the spec recorded;
 * fails (before the last chunk) if the bytes no longer match the digest.
 */
export function layerChunks(spec: ImageSpec, layer: DigestedLayer): AsyncGenerator<Buffer> {
  async function* generate(): AsyncGenerator<Buffer> {
    const entries = collectLayerEntries(layer);
    yield* verifiedChunks(layerTarChunks(entries, layer.hardlinks ?? {}, spec.mtime), layer, `layer ${layer.id}`);
  }
  return generate();
}

export function openLayerStream(spec: ImageSpec, layer: DigestedLayer): Readable {
  return Readable.from(layerChunks(spec, layer), { objectMode: false });
}
