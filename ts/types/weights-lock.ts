/* Generated from schemas/weights-lock.schema.json by `npm run gen:types`. Do not edit. */

/**
 * A file's path relative to its set's target: '/'-separated segments of letters, digits and . _ - + = @ , ~, none empty, '.' or '..' (nothing a shell, a store path name or a URL reads specially), and not under the downloader's own .partial or .cognix-verified.json.
 */
export type RelativePath = string;

/**
 * weights.lock.json: the files of each weight set of cog.yaml, with their sizes, sha256 and where to fetch them. `cognix lock` writes it (`cognix push-weights` puts its copies' URLs first); ts/weights/lock-file.ts, lib/weights/sets.nix and the run-time downloader (through the manifest) read it.
 */
export interface WeightsLock {
  formatVersion: 1;
  /**
   * Each weight set by its name in cog.yaml.
   */
  sets: {
    [k: string]: LockedSet;
  };
}
export interface LockedSet {
  /**
   * The set's source URI as cog.yaml names it (the lock is stale once it changes).
   */
  source: string;
  /**
   * Glob patterns of files kept (empty: all).
   */
  include: string[];
  /**
   * Glob patterns of files dropped.
   */
  exclude: string[];
  /**
   * Sorted by path, each path once.
   */
  files: LockedFile[];
}
export interface LockedFile {
  path: RelativePath;
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
