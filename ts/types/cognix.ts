/* Generated from schemas/cognix.schema.json by `npm run gen:types`. Do not edit. */

/**
 * The resolved build configuration that `cognix generate` derives from cog.yaml and that the Nix modules consume. Everything here is final: the Nix side never re-derives versions, indexes or package names.
 */
export interface CognixConfig {
  /**
   * Version of this file format. Bumped on incompatible changes.
   */
  formatVersion: 1;
  /**
   * Where this configuration came from, relative to the model directory.
   */
  source: {
    /**
     * Path of the cog.yaml read (cog.yml when only that exists).
     */
    cogYaml: string;
    /**
     * Name of the model directory: an image with no `image:` is named after it, cog-<directory>, as Cog names it (a flake's copy of the directory is named "source").
     */
    directory?: string;
    /**
     * sha256 of cog.yaml's bytes, so a stale cognix.json can be detected.
     */
    cogYamlSha256: string;
    /**
     * build.python_requirements, when used.
     */
    requirementsFile: string | null;
    /**
     * sha256 of the requirements file's bytes, when used.
     */
    requirementsSha256?: string | null;
    /**
     * Files the requirements file pulls in with -r (transitively), in reading order, so a change in any of them marks this file stale.
     */
    requirementsIncludes?: {
      /**
       * Relative to the model directory.
       */
      path: string;
      sha256: string;
    }[];
    /**
     * The Python files `openapiSchema` was read from, sorted by path, so a change in any of them marks this file stale. sha256 is null for a module that was looked for and not found (adding it could change the schema).
     */
    pythonFiles?: {
      /**
       * Relative to the model directory.
       */
      path: string;
      sha256: string | null;
    }[];
  };
  python: {
    /**
     * Python version as written in cog.yaml (minor, or minor.patch).
     */
    version: string;
    /**
     * Normalized PEP 508 requirement lines (comments, blank lines and continuations removed; pip options split out into `indexes`/`options`), in file order, with torch/torchvision/torchaudio pins rewritten as Cog rewrites them.
     */
    requirements: string[];
    /**
     * Extra package indexes. `packages` lists the distributions routed to this index (uv explicit index); empty means a general extra index.
     */
    indexes: {
      name: string;
      url: string;
      packages: string[];
    }[];
    /**
     * --find-links locations from the requirements file.
     */
    findLinks?: string[];
    /**
     * Other pip options found in the requirements file that have no effect on a uv lock, kept for reference.
     */
    options?: string[];
  };
  /**
   * build.gpu.
   */
  gpu: boolean;
  /**
   * CUDA user space to put in the image; null when gpu is false.
   */
  cuda: null | {
    version: string;
    cudnn: string;
  };
  /**
   * Resolved PyTorch, when torch is a requirement.
   */
  torch: null | {
    version: string;
    torchvision: string | null;
    torchaudio: string | null;
    /**
     * Wheel variant: cpu, cuXYZ, or pypi when the wheels come from plain PyPI.
     */
    variant: string;
    indexUrl: string | null;
  };
  tensorflow: null | {
    version: string;
    package: string;
  };
  /**
   * build.system_packages mapped to nixpkgs attribute paths. `nix` is a list because one apt package may need several nixpkgs packages, and empty when the apt package needs nothing in a Nix image.
   */
  systemPackages: {
    apt: string;
    nix: string[];
  }[];
  /**
   * build.run commands, in order, strings turned into objects.
   */
  run: {
    command: string;
    mounts: {
      type: "secret";
      id: string;
      target: string;
    }[];
  }[];
  /**
   * Predictor reference (cog.yaml `predict` or `run`).
   */
  predict: string | null;
  train: string | null;
  concurrency: {
    max: number;
  };
  /**
   * cog.yaml `environment`, as NAME -> value (keys sorted in the file; the image sets them all).
   */
  environment: {
    [k: string]: string | undefined;
  };
  /**
   * cog.yaml `weights` entries.
   */
  weights: {
    name: string;
    /**
     * URI: hf://org/repo@rev, https://…, gs://…, s3://…, oci://…, or a path inside the model directory.
     */
    source: string;
    /**
     * Absolute path in the image.
     */
    target: string;
    include?: string[];
    exclude?: string[];
  }[];
  cog: {
    /**
     * The exact cog Python SDK to install (build.sdk_version, or 0.16.12 for a Python older than 3.10), or null for the newest cog and coglet, which uv.lock pins when the model is locked. Below 0.17 the image runs the SDK's Python server, from 0.17 coglet.
     */
    sdkVersion: string | null;
  };
  /**
   * cog.yaml `image` (or `model`): the default push reference.
   */
  image: string | null;
  /**
   * Labels whose content the generator knows: `run.cog.config` is the JSON Cog writes for this cog.yaml (cuda/cudnn completed).
   */
  labels: {
    "run.cog.config": string;
  };
  /**
   * The OpenAPI 3.0.2 document of `predict` (and `train`), read from the Python source without running it, as Cog's static schema generator reads it; null when cog.yaml names neither. The build sets `info.version` (the cog SDK's version from uv.lock; "0.1.0", as its own server writes, for an SDK below 0.17) and writes it to /src/.cog/openapi_schema.json and the run.cog.openapi_schema label.
   */
  openapiSchema: null | {
    openapi: "3.0.2";
    info: {
      title: "Cog";
      [k: string]: unknown | undefined;
    };
    paths: {
      [k: string]: unknown | undefined;
    };
    components: {
      [k: string]: unknown | undefined;
    };
    [k: string]: unknown | undefined;
  };
  /**
   * Deprecation and compatibility warnings emitted while generating.
   */
  warnings: string[];
}
