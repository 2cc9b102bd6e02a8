import type { PushLayer } from "../registry/push.ts";
import { digestedLayers, imageConfigBlob } from "./oci-image.ts";
import { openLayerStream } from "./layer-source.ts";
import type { ImageSpec } from "./spec-types.ts";
import type { ReferrerArtifact } from "../registry/referrers.ts";
import { labelledSbom } from "../sbom/document.ts";
import { CYCLONEDX_MEDIA_TYPE } from "../sbom/cyclonedx.ts";

/** The image's SBOM as a referrer of its manifest, when the spec has SBOM facts (checked against the label). */
function sbomReferrers(spec: ImageSpec): ReferrerArtifact[] {
  if (spec.bom === undefined) return [];
  const bytes = labelledSbom(spec, "the image spec");
  return [{ artifactType: CYCLONEDX_MEDIA_TYPE, mediaType: CYCLONEDX_MEDIA_TYPE, bytes, title: "sbom.cdx.json", created: spec.created }];
}

/** What a registry push needs from a spec: the config blob, re-streamable layers, and the SBOM to attach. */
export function pushSource(spec: ImageSpec): { configBlob: Buffer; layers: PushLayer[]; referrers: ReferrerArtifact[] } {
  return {
    referrers: sbomReferrers(spec),
    configBlob: imageConfigBlob(spec).bytes,
    layers: digestedLayers(spec).map((layer) => ({
      diffId: layer.diffId,
      size: layer.size,
      open: () => openLayerStream(spec, layer),
    })),
  };
}
