import { createHash } from "node:crypto";
import { sortKeys } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import type { ImageSpec } from "../types/image-spec.ts";

/**
 * What an SBOM is about: the image's filesystem, named by its layers. The
 * config cannot be the subject — it carries the SBOM's own digest in a label
 * — so the SBOM names the config's `rootfs` instead: the ordered diff_ids,
 * and the sha256 of the `rootfs` object exactly as the config holds it.
 */
export interface Subject {
  name: string;
  tag: string;
  architecture: string;
  os: string;
  created: string;
  diffIds: string[];
  /** sha256 of the config's `rootfs` value in cognix's JSON form (sorted keys, no spaces). */
  rootfsDigest: string;
}

export function rootfsDigest(diffIds: readonly string[]): string {
  const bytes = Buffer.from(JSON.stringify(sortKeys({ type: "layers", diff_ids: diffIds })), "utf8");
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function subjectOf(spec: ImageSpec): Subject {
  const diffIds = spec.layers.map((l) => {
    if (l.diffId === undefined) throw new CognixError({ message: `layer ${l.id} has no digest yet: an SBOM names the image by its layers (run build-spec or digest first)` });
    return l.diffId;
  });
  return {
    name: spec.name,
    tag: spec.tag,
    architecture: spec.architecture,
    os: spec.os,
    created: spec.created,
    diffIds,
    rootfsDigest: rootfsDigest(diffIds),
  };
}

/** The diffId of the layer holding each store path. */
export function layerOfPath(spec: ImageSpec): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of spec.layers) for (const p of l.paths ?? []) if (l.diffId !== undefined) out.set(p, l.diffId);
  return out;
}
