import type { PushLayer } from "../registry/push.ts";
import { digestedLayers, imageConfigBlob } from "./oci-image.ts";
import { openLayerStream } from "./layer-source.ts";
import type { ImageSpec } from "./spec-types.ts";

/** What a registry push needs from a spec: the config blob and re-streamable layers. */
export function pushSource(spec: ImageSpec): { configBlob: Buffer; layers: PushLayer[] } {
  return {
    configBlob: imageConfigBlob(spec).bytes,
    layers: digestedLayers(spec).map((layer) => ({
      diffId: layer.diffId,
      size: layer.size,
      open: () => openLayerStream(spec, layer),
    })),
  };
}
