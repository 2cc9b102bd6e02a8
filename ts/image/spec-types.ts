/** The image spec (schemas/image-spec.schema.json) as TypeScript types. */
import type { BomInputs } from "../sbom/inputs.ts";

export interface ClosureNode {
  path: string;
  narSize: number;
  narHash?: string;
  references: string[];
}

/** OCI image config fields cognix sets (the `config` object of an OCI image config). */
export interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
  User?: string;
}

export type RootEntry =
  | { path: string; type: "dir"; mode?: string }
  | { path: string; type: "symlink"; target: string }
  | { path: string; type: "file"; mode?: string; content?: string; source?: string }
  | { path: string; type: "copy"; source: string; layer?: "own" | "top" };

export interface LayerSpec {
  /** Stable name of the layer: what it holds, not where it sits. */
  id: string;
  kind: "store" | "root";
  /** Store layers: the store paths (whole trees) in the layer. */
  paths?: string[];
  /** Root layers: the root filesystem entries in the layer. */
  entries?: RootEntry[];
  /** Sum of the NAR sizes of `paths` (store layers). */
  narSize?: number;
  /** sha256 of the uncompressed layer tar, once computed. */
  diffId?: string;
  /** Byte length of the uncompressed layer tar, once computed. */
  size?: number;
  /** Tar entry name → earlier entry name it is a hard link to. */
  hardlinks?: Record<string, string>;
}

export interface PlannerInfo {
  algorithm: string;
  maxLayers: number;
  ownLayerThreshold: number;
  buckets: number;
}

export interface ImageSpec {
  version: 1;
  name: string;
  tag: string;
  created: string;
  /** mtime of every tar entry, seconds since the epoch. */
  mtime: number;
  architecture: string;
  os: "linux";
  config: ImageConfig;
  closure: ClosureNode[];
  root: RootEntry[];
  ownLayer: string[];
  planner: PlannerInfo;
  layers: LayerSpec[];
  /** What the SBOM says beyond the closure (derivation names and versions, Python files, weights). */
  bom?: BomInputs;
  configDigest?: string;
  configSize?: number;
  manifestDigest?: string;
}

/** A spec whose layers all carry digests (what output commands need). */
export interface DigestedLayer extends LayerSpec {
  diffId: string;
  size: number;
}
