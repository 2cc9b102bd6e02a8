/* Generated from schemas/image-spec.schema.json by `npm run gen:types`. Do not edit. */

export type AbsolutePath = string;
/**
 * An entry of the root filesystem outside the store.
 */
export type RootEntry =
  | {
      path: AbsolutePath;
      type: "dir";
      /**
       * Octal permission bits, e.g. "0644" or "1777".
       */
      mode?: string;
    }
  | {
      path: AbsolutePath;
      type: "symlink";
      target: string;
    }
  | ({
      [k: string]: unknown;
    } & {
      path: AbsolutePath;
      type: "file";
      /**
       * Octal permission bits, e.g. "0644" or "1777".
       */
      mode?: string;
      /**
       * UTF-8 file content.
       */
      content?: string;
      /**
       * A file (usually in the store) whose bytes are copied.
       */
      source?: string;
    })
  | {
      path: AbsolutePath;
      type: "copy";
      /**
       * A tree copied to `path` (files 0644/0755, directories 0755, symlinks kept).
       */
      source: string;
      /**
       * "own" puts the tree in a layer of its own.
       */
      layer?: "own" | "top";
    };
export type Digest = string;

/**
 * An image to build from a Nix closure: the closure graph, the image config, extra root filesystem entries and the layer plan. `cognix image build-spec` writes it with every layer's digest so `load`, `oci` and `push` stream the layers again without re-planning or re-digesting.
 */
export interface ImageSpec {
  version: 1;
  /**
   * Repository name used by `load` (docker-archive RepoTags).
   */
  name: string;
  /**
   * Tag used by `load` and as the OCI layout ref name.
   */
  tag: string;
  /**
   * RFC 3339 creation time written in the config and history (default 1970-01-01T00:00:01Z).
   */
  created: string;
  /**
   * Modification time of every tar entry, seconds since the epoch (from `created`).
   */
  mtime: number;
  /**
   * GOARCH name, e.g. amd64 or arm64.
   */
  architecture: string;
  os: "linux";
  /**
   * OCI image config fields.
   */
  config: {
    Entrypoint?: string[];
    Cmd?: string[];
    Env?: string[];
    WorkingDir?: string;
    ExposedPorts?: {
      [k: string]: {};
    };
    Labels?: {
      [k: string]: string;
    };
    User?: string;
  };
  closure: ClosureNode[];
  root: RootEntry[];
  /**
   * Store paths that get a layer of their own (model source, weight sets).
   */
  ownLayer: AbsolutePath[];
  planner: {
    algorithm: string;
    maxLayers: number;
    /**
     * NAR size in bytes from which a store path gets its own layer.
     */
    ownLayerThreshold: number;
    /**
     * Number of name-hashed layers for small store paths.
     */
    buckets: number;
  };
  /**
   * @minItems 1
   */
  layers: Layer[];
  /**
   * What the SBOM says beyond the closure graph, from the Nix evaluation (entries for paths outside the closure are dropped). With it, the config carries the SBOM's sha256 as the label org.cognix.sbom.digest (docs/sbom.md).
   */
  bom?: {
    /**
     * The nixpkgs commit of the package set, when known.
     */
    nixpkgsRevision?: string;
    /**
     * Store paths whose derivation gave pname and version.
     */
    packages?: {
      path: AbsolutePath;
      pname: string;
      version: string;
    }[];
    /**
     * Python distributions: the store path, the locked name and version, and the file installed (URL, sha256).
     */
    python?: {
      path: AbsolutePath;
      name: string;
      version: string;
      url?: string;
      sha256?: string;
    }[];
    /**
     * Weight sets: in the image (mode build, with its store path) or downloaded when the container starts (runtime).
     */
    weights?: {
      name: string;
      source: string;
      target: AbsolutePath;
      mode: "build" | "runtime";
      path?: AbsolutePath;
      files: {
        path: string;
        size: number;
        sha256: string;
        urls: string[];
      }[];
    }[];
  };
  configDigest?: Digest;
  configSize?: number;
  /**
   * Digest of the OCI manifest with uncompressed layers (what `oci` writes).
   */
  manifestDigest?: string;
}
/**
 * One store path as Nix's exportReferencesGraph reports it (extra keys such as closureSize are dropped).
 */
export interface ClosureNode {
  path: AbsolutePath;
  narSize: number;
  narHash?: string;
  /**
   * Other store paths of the closure this one refers to (self-references removed), sorted.
   */
  references: AbsolutePath[];
}
export interface Layer {
  /**
   * Stable name of what the layer holds: store:<path name>, bucket:<NN>, own:<path name>, copy:<path>, root.
   */
  id: string;
  kind: "store" | "root";
  /**
   * Store layers: whole store paths in the layer.
   */
  paths?: AbsolutePath[];
  /**
   * Root layers: root filesystem entries in the layer.
   */
  entries?: RootEntry[];
  narSize?: number;
  /**
   * sha256 of the uncompressed layer tar.
   */
  diffId?: string;
  /**
   * Length of the uncompressed layer tar in bytes.
   */
  size?: number;
  /**
   * Tar entry name → earlier entry name it is a hard link to, fixed when the layer was digested.
   */
  hardlinks?: {
    [k: string]: string;
  };
}
