/** What a store path's name says: `/nix/store/<hash>-<name>`. */
export interface StorePathName {
  hash: string;
  /** The name after the hash, e.g. `openssl-3.0.13-bin`. */
  full: string;
  /** Package name as `builtins.parseDrvName` splits it. */
  name: string;
  /** Version as `builtins.parseDrvName` splits it ("" when none). */
  version: string;
}

/** Splits a store path the way Nix splits derivation names: the version starts at the first `-<digit>`. */
export function parseStorePath(path: string): StorePathName {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dash = base.indexOf("-");
  const hash = dash > 0 ? base.slice(0, dash) : "";
  const full = dash > 0 ? base.slice(dash + 1) : base;
  const m = /-(?=[0-9])/.exec(full);
  if (m === null) return { hash, full, name: full, version: "" };
  return { hash, full, name: full.slice(0, m.index), version: full.slice(m.index + 1) };
}
