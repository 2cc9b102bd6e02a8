/**
 * The image spec's types as ts/image uses them: the generated ones
 * (schemas/image-spec.schema.json), with `bom` as readSpec returns it.
 */
import type { BomInputs } from "../sbom/inputs.ts";
import type { ImageSpec as SchemaSpec, Layer } from "../types/image-spec.ts";

export type { ClosureNode, RootEntry } from "../types/image-spec.ts";

export type LayerSpec = Layer;

/** OCI image config fields cognix sets (the `config` object of an OCI image config). */
export type ImageConfig = SchemaSpec["config"];

export type PlannerInfo = SchemaSpec["planner"];

/** The spec with its `bom` read: every list there, empty when the document had none. */
export interface ImageSpec extends Omit<SchemaSpec, "bom"> {
  bom?: BomInputs;
}

/** A spec whose layers all carry digests (what output commands need). */
export interface DigestedLayer extends LayerSpec {
  diffId: string;
  size: number;
}
