import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CognixError } from "../util/errors.ts";
import { lockWeights } from "./lock.ts";
import { LOCK_FILE_NAME, readLockIfExists, writeLock } from "./lock-file.ts";
import { parseWeightEntries } from "./weight-entry.ts";

export interface ModelWeightsLocked {
  lockFile: string;
  /** Files per set. */
  files: Record<string, number>;
  notes: string[];
}

/**
 * Locks the weights of the model whose cognix.json is `config`, writing
 * weights.lock.json beside it (or to `out`). `cognix lock` calls it after
 * locking Python; throws CognixError on bad input.
 */
export async function lockModelWeights(
  config: string,
  opts: { out?: string; update?: boolean; env?: NodeJS.ProcessEnv; onFile?: (set: string, path: string) => void } = {},
): Promise<ModelWeightsLocked> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(config, "utf8"));
  } catch (err) {
    throw new CognixError({ file: config, message: `cannot read cognix.json: ${(err as Error).message}` });
  }
  const entries = parseWeightEntries((parsed as { weights?: unknown }).weights, config);
  const out = opts.out ?? join(dirname(config), LOCK_FILE_NAME);
  const notes: string[] = [];
  const lock = await lockWeights(entries, readLockIfExists(out), {
    update: opts.update === true,
    configFile: config,
    ...(opts.env ? { env: opts.env } : {}),
    onNote: (n) => notes.push(n),
    ...(opts.onFile ? { onFile: opts.onFile } : {}),
  });
  writeLock(out, lock);
  return { lockFile: out, files: Object.fromEntries(Object.entries(lock.sets).map(([k, s]) => [k, s.files.length])), notes };
}
