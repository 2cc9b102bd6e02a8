import { archiveChunks, type ArchiveItem } from "./archive-tar.ts";
import { hexOf, imageConfigBlob, digestedLayers, uniqueLayers } from "./oci-image.ts";
import { ArchiveLayers } from "./archive-layers.ts";
import type { Handover } from "./layer-source.ts";
import type { ImageSpec } from "./spec-types.ts";
import { sortKeys } from "../util/canonical-json.ts";

/**
 * A docker-archive (`docker save` format, as `docker load` and `podman load`
 * read it): one `<diffId>/layer.tar` per layer, the config, manifest.json.
 * With "views", layer bytes are lent (see Handover): for a writer that
 * writes each chunk before asking for the next (write-stream.ts).
 */
export function dockerArchiveChunks(spec: ImageSpec, repoTag: string, onLayer?: (id: string) => void, handover: Handover = "copies"): AsyncGenerator<Buffer> {
  const config = imageConfigBlob(spec);
  const layers = digestedLayers(spec);
  const items: ArchiveItem[] = [];
  const streamed = uniqueLayers(layers);
  const layerStreams = new ArchiveLayers(spec, streamed);
  for (const [index, layer] of streamed.entries()) {
    const dir = hexOf(layer.diffId);
    items.push({ name: dir, type: "dir" });
    items.push({
      name: `${dir}/layer.tar`,
      type: "file",
      size: layer.size,
      chunks: () => {
        onLayer?.(layer.id);
        return layerStreams.chunks(index, handover);
      },
    });
  }
  const configName = `${hexOf(config.digest)}.json`;
  items.push({ name: configName, type: "file", bytes: config.bytes });
  const manifest = [{ Config: configName, RepoTags: [repoTag], Layers: layers.map((l) => `${hexOf(l.diffId)}/layer.tar`) }];
  items.push({ name: "manifest.json", type: "file", bytes: Buffer.from(JSON.stringify(sortKeys(manifest)), "utf8") });
  return layerStreams.closing(archiveChunks(items, spec.mtime));
}
