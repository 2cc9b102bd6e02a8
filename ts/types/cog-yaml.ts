/* Generated from schemas/cog.schema.json by `npm run gen:types`. Do not edit. */

/**
 * cog.yaml as Cog has accepted it over time: the current keys, plus deprecated and removed keys that are still found in published models. Semantic rules that JSON Schema cannot express (predict and run both set, reserved environment names, version formats) are checked by `cognix generate`.
 */
export interface CogYaml {
  build?: Build;
  /**
   * Name given to built images; include the registry to push there. Exclusive with `model`.
   */
  image?: string;
  /**
   * Repository the model's image and weights are pushed to; a bare repository (no tag or digest). Exclusive with `image`. In the first Cog releases `model` was the predictor reference (`file.py:Name`), and that form is still read.
   */
  model?: string;
  /**
   * Reference to the runner: `file.py:Name`. Replaces `predict`; only one of the two may be set.
   */
  run?: string;
  /**
   * @deprecated
   * Deprecated name of `run`: reference to the predictor, `file.py:Name`.
   */
  predict?: string;
  /**
   * Reference to the training function or class, `file.py:Name`.
   */
  train?: string;
  /**
   * Concurrency settings.
   */
  concurrency?: {
    /**
     * @deprecated
     * Maximum number of concurrent predictions (deprecated in favour of @cog.concurrent). Above 1 needs Python 3.11 or newer.
     */
    max: number;
    /**
     * Target concurrency for autoscalers.
     */
    default_target?: number;
  };
  /**
   * Environment variables for build and run time, `NAME=value`; names Cog reserves for itself are rejected. In the first Cog releases (2021) `environment` was the name of the `build` section, and that mapping form is still read.
   */
  environment?: (string[] | null) | Build;
  /**
   * Weight directories to include. Current form: `{name, target, source: {uri, include, exclude}}` (source may be a list); older form: `{source: path, name?, target?}`.
   */
  weights?: Weight[] | null;
  /**
   * @deprecated
   * Removed: test commands for `cog` (ignored).
   */
  tests?: {}[] | null;
}
/**
 * How to build the image.
 */
export interface Build {
  /**
   * Build a CUDA image.
   */
  gpu?: boolean;
  /**
   * Minor (`3.13`) or patch (`3.13.1`) Python version. Required. Quote it: YAML reads 3.10 as the number 3.1.
   */
  python_version?: string | number;
  /**
   * pip requirements file, relative to cog.yaml. Exclusive with `python_packages`.
   */
  python_requirements?: string;
  /**
   * @deprecated
   * Deprecated: Python requirements inline, `package==version`. Exclusive with `python_requirements`.
   */
  python_packages?: string[] | null;
  /**
   * Ubuntu apt packages.
   */
  system_packages?: string[] | null;
  /**
   * Commands run after system and Python packages are installed: a string, or `{command, mounts}` for secret mounts.
   */
  run?: (string | RunCommand)[] | null;
  /**
   * @deprecated
   * Deprecated: commands run before Python packages are installed. Use `run`.
   */
  pre_install?: string[] | null;
  /**
   * CUDA version override (`major.minor`, 11 or newer). Chosen from torch/TensorFlow when unset.
   */
  cuda?: string | number;
  /**
   * cuDNN version override. Chosen from the CUDA version when unset.
   */
  cudnn?: string | number;
  /**
   * Version of the cog Python SDK to install, 0.16.0 or newer, or `prerelease`. Unset: the generator's pinned default.
   */
  sdk_version?: string | number;
  /**
   * @deprecated
   * Removed: selected the experimental cog-runtime server (ignored).
   */
  cog_runtime?: boolean;
  /**
   * @deprecated
   * Removed: experimental fast-push builds (ignored).
   */
  fast?: boolean;
  /**
   * @deprecated
   * Removed: a requirements-format file of overrides (not supported).
   */
  python_overrides?: string;
  /**
   * @deprecated
   * Removed (2021): extra package index URLs; now written as `--extra-index-url` in the requirements.
   */
  python_extra_index_urls?: string[] | null;
  /**
   * @deprecated
   * Removed (2021): pip --find-links locations; now written as `--find-links` in the requirements.
   */
  python_find_links?: string[] | null;
  /**
   * @deprecated
   * Removed (2021): target architectures (ignored).
   */
  architectures?: string[] | null;
}
export interface RunCommand {
  command: string;
  mounts?: {
    type: "secret";
    id: string;
    target: string;
  }[];
}
export interface Weight {
  /**
   * Unique, OCI-tag-safe name. Required in the current form; the older form defaulted it to the source's base name.
   */
  name?: string;
  /**
   * Absolute path in the image. Required in the current form; the older form defaulted it to /cache/<base name>.
   */
  target?: string;
  /**
   * Current form: one source object or a list of them. Older form: a path relative to cog.yaml.
   */
  source: string | WeightSource | [WeightSource, ...WeightSource[]];
}
export interface WeightSource {
  /**
   * hf://, file://, https:// or a path inside the model directory.
   */
  uri: string;
  include?: string[];
  exclude?: string[];
}
