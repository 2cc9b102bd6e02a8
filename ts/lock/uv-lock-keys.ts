import { readFileSync } from "node:fs";

/**
 * lib/data/uv-lock.json: which keys of uv.lock and pyproject.toml say where a
 * package comes from, read by lib/python too, so `cognix lock --check` and
 * the image build compare a lock with pyproject.toml by the same keys.
 */
export interface UvLockKeys {
  /** Keys of a package's `source` that mark it built from the local tree (the project itself: "."). */
  localSource: string[];
  /** Keys of a `requires-dist` entry naming a direct reference, the first present counting. */
  requirementReference: string[];
  /** Keys of a [tool.uv.sources] entry naming a direct reference, the first present counting. */
  sourceReference: string[];
}

export const UV_LOCK_KEYS: UvLockKeys = JSON.parse(readFileSync(new URL("../../lib/data/uv-lock.json", import.meta.url), "utf8")) as UvLockKeys;
