import { CognixError } from "../util/errors.ts";
import { selectPaths } from "./glob.ts";
import { unsafePathReason, type LockedFile, type LockedSet, type WeightsLock } from "./lock-file.ts";
import { readListedFile } from "./read-source.ts";
import { parseSourceUri } from "./source-uri.ts";
import { listGcs } from "./sources/gcs.ts";
import { listHuggingFace } from "./sources/hf.ts";
import { listHttp } from "./sources/http.ts";
import type { Listing } from "./sources/listed-file.ts";
import { listOci } from "./sources/oci.ts";
import { listS3 } from "./sources/s3.ts";
import type { WeightEntry } from "./weight-entry.ts";

export interface LockOptions {
  env?: NodeJS.ProcessEnv;
  /** Re-list sets whose source/include/exclude did not change. */
  update?: boolean;
  /** For error messages. */
  configFile?: string;
  onNote?: (note: string) => void;
  onFile?: (set: string, path: string) => void;
}

function sameArray(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function list(entry: WeightEntry, index: number, opts: LockOptions): Promise<Listing> {
  const env = opts.env ?? process.env;
  const where = { ...(opts.configFile !== undefined ? { file: opts.configFile } : {}), path: ["weights", index, "source"] };
  const src = parseSourceUri(entry.source, where);
  switch (src.kind) {
    case "hf":
      return listHuggingFace(src, env);
    case "http":
      return listHttp(src.url);
    case "s3":
      return listS3(src, env);
    case "gs":
      return listGcs(src, env);
    case "oci":
      return listOci(src, env);
  }
}

/**
 * Locks cognix.json's weight entries: every file's path, size, sha256 and
 * URL. Sets whose declaration is unchanged keep their locked files (and any
 * URLs push-weights added) unless `update` is set.
 */
export async function lockWeights(entries: readonly WeightEntry[], previous: WeightsLock | null, opts: LockOptions = {}): Promise<WeightsLock> {
  const env = opts.env ?? process.env;
  const sets: Record<string, LockedSet> = {};
  for (const [index, entry] of entries.entries()) {
    const include = entry.include ?? [];
    const exclude = entry.exclude ?? [];
    const old = previous?.sets[entry.name];
    if (!opts.update && old && old.source === entry.source && sameArray(old.include, include) && sameArray(old.exclude, exclude)) {
      sets[entry.name] = old;
      continue;
    }
    let listing: Listing;
    try {
      listing = await list(entry, index, opts);
    } catch (err) {
      if (err instanceof CognixError) throw err;
      throw new CognixError({ ...(opts.configFile ? { file: opts.configFile } : {}), path: ["weights", index, "source"], message: `${entry.source}: ${(err as Error).message}` });
    }
    for (const note of listing.notes) opts.onNote?.(`weights.${entry.name}: ${note}`);
    const chosen = selectPaths(listing.files, include, exclude);
    if (chosen.length === 0) {
      throw new CognixError({ ...(opts.configFile ? { file: opts.configFile } : {}), path: ["weights", index], message: `no files of ${entry.source} match include/exclude` });
    }
    const files: LockedFile[] = [];
    for (const f of chosen) {
      const why = unsafePathReason(f.path);
      if (why) {
        throw new CognixError({
          ...(opts.configFile ? { file: opts.configFile } : {}),
          path: ["weights", index],
          message: `${entry.source} offers a file whose path ${JSON.stringify(f.path)} ${why}; leave it out with the source's exclude patterns`,
        });
      }
      opts.onFile?.(entry.name, f.path);
      let { size, sha256 } = f;
      if (sha256 === null || size < 0) {
        try {
          ({ size, sha256 } = await readListedFile(f, env));
        } catch (err) {
          throw new CognixError({ path: ["weights", index], message: `hashing ${f.url}: ${(err as Error).message}` });
        }
      }
      files.push({ path: f.path, size, sha256, urls: [f.url] });
    }
    sets[entry.name] = { source: entry.source, include, exclude, files };
  }
  return { formatVersion: 1, sets };
}
