import { createHash } from "node:crypto";
import type { ImageSpec } from "../types/image-spec.ts";
import { CognixError } from "../util/errors.ts";
import { cyclonedxDocument } from "./cyclonedx.ts";
import { bomModel } from "./model.ts";
import { spdxDocument } from "./spdx.ts";

export type SbomFormat = "cyclonedx" | "spdx";
export const SBOM_FORMATS: readonly SbomFormat[] = ["cyclonedx", "spdx"];

/** The image config label naming the sha256 of the image's CycloneDX SBOM. */
export const SBOM_LABEL = "org.cognix.sbom.digest";

/** The document's bytes. It reads the spec's layers, closure and `bom`, never its config. */
export function sbomBytes(spec: ImageSpec, format: SbomFormat): Buffer {
  const model = bomModel(spec);
  return Buffer.from(format === "cyclonedx" ? cyclonedxDocument(model) : spdxDocument(model), "utf8");
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function parseFormat(value: string | undefined): SbomFormat {
  if (value === undefined) return "cyclonedx";
  if (value === "cyclonedx" || value === "spdx") return value;
  throw new CognixError({ message: `--format expects cyclonedx or spdx, got ${JSON.stringify(value)}` }, 2);
}

/** The spec with its config labelled by the digest of its CycloneDX SBOM (unchanged without `bom`). */
export function withSbomLabel<S extends ImageSpec>(spec: S): S {
  if (spec.bom === undefined) return spec;
  const digest = sha256Digest(sbomBytes(spec, "cyclonedx"));
  return { ...spec, config: { ...spec.config, Labels: { ...(spec.config.Labels ?? {}), [SBOM_LABEL]: digest } } };
}

/**
 * The CycloneDX bytes of a spec, checked against its label: a spec written
 * by another cognix version may give other bytes, and the label must name
 * what is shown and pushed.
 */
export function labelledSbom(spec: ImageSpec, source: string): Buffer {
  const bytes = sbomBytes(spec, "cyclonedx");
  checkAgainstLabel(spec, bytes, source);
  return bytes;
}

export function checkAgainstLabel(spec: ImageSpec, cyclonedx: Buffer, source: string): void {
  const label = spec.config.Labels?.[SBOM_LABEL];
  if (label === undefined) return;
  const got = sha256Digest(cyclonedx);
  if (got !== label) {
    throw new CognixError({
      file: source,
      path: ["config", "Labels", SBOM_LABEL],
      message: `the image's label names SBOM ${label}, but this cognix makes ${got} from the spec (another cognix version built it): use the built image's own \`./result sbom\``,
    });
  }
}
