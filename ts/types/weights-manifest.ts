/* Generated from schemas/weights-manifest.schema.json by `npm run gen:types`. Do not edit. */

/**
 * The run-time weights manifest (/src/.cog/weights.json): the sets an image downloads when its container starts. lib/weights/sets.nix writes it from weights.lock.json, sets and files sorted; lib/weights/downloader.py reads it.
 */
export interface WeightsManifest {
  formatVersion: 1;
  sets: ManifestSet[];
}
export interface ManifestSet {
  name: string;
  /**
   * Absolute directory the files go to (COGNIX_WEIGHTS_ROOT is prepended): not /, no empty, '.' or '..' segment.
   */
  target: string;
  files: LockedFile[];
}
export interface LockedFile {
  /**
   * A file's path relative to its set's target: '/'-separated segments of letters, digits and . _ - + = @ , ~, none empty, '.' or '..' (nothing a shell, a store path name or a URL reads specially), and not under the downloader's own .partial or .cognix-verified.json.
   */
  path: string;
  /**
   * Size in bytes.
   */
  size: number;
  /**
   * sha256 of the bytes, lowercase hex.
   */
  sha256: string;
  /**
   * Where the bytes can be fetched, most preferred first.
   *
   * @minItems 1
   */
  urls: string[];
}
