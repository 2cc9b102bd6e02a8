import { JsonReader, readJsonFile } from "../util/json-input.ts";
import { requireSha256 } from "./hash.ts";

/** A store path whose derivation said its name and version. */
export interface DerivationInfo {
  path: string;
  pname: string;
  version: string;
}

/** A Python distribution of the environment and the file it was installed from. */
export interface PythonDist {
  /** The installed distribution's store path. */
  path: string;
  name: string;
  version: string;
  /** Where the wheel (or sdist) came from, when it was downloaded. */
  url?: string;
  /** sha256 of that file, lowercase hex. */
  sha256?: string;
}

export interface WeightFile {
  path: string;
  size: number;
  sha256: string;
  urls: string[];
}

export interface WeightSet {
  name: string;
  source: string;
  target: string;
  mode: "build" | "runtime";
  /** The set's store path (build-time sets only). */
  path?: string;
  files: WeightFile[];
}

/**
 * What the SBOM says beyond the closure graph, from the Nix evaluation:
 * names and versions of derivations, the chosen Python files, the weights
 * and the nixpkgs revision. Kept in the image spec as `bom`.
 */
export interface BomInputs {
  nixpkgsRevision?: string;
  packages: DerivationInfo[];
  python: PythonDist[];
  weights: WeightSet[];
}

export function readBomInputs(file: string): BomInputs {
  return parseBomInputs(readJsonFile(file), file, []);
}

/** Validates a `bom` document; every problem names the file and key. */
export function parseBomInputs(doc: unknown, file: string, base: (string | number)[]): BomInputs {
  const r = new JsonReader(file);
  const o = r.object(doc, base);
  const known = ["nixpkgsRevision", "packages", "python", "weights"];
  for (const key of Object.keys(o)) if (!known.includes(key)) r.fail([...base, key], `unknown key (known: ${known.join(", ")})`);
  const out: BomInputs = {
    packages: r.array(o["packages"] ?? [], [...base, "packages"]).map((p, i) => {
      const at = [...base, "packages", i];
      const e = r.object(p, at);
      return {
        path: r.absolutePath(e["path"], [...at, "path"]),
        pname: r.string(e["pname"], [...at, "pname"]),
        version: r.string(e["version"] ?? "", [...at, "version"]),
      };
    }),
    python: r.array(o["python"] ?? [], [...base, "python"]).map((p, i) => parsePython(r, p, [...base, "python", i])),
    weights: r.array(o["weights"] ?? [], [...base, "weights"]).map((w, i) => parseWeightSet(r, w, [...base, "weights", i])),
  };
  const rev = o["nixpkgsRevision"];
  if (rev !== undefined && rev !== null) {
    const s = r.string(rev, [...base, "nixpkgsRevision"]);
    if (!/^[0-9a-f]{40}$/.test(s)) r.fail([...base, "nixpkgsRevision"], `expected a 40-character git revision, got ${JSON.stringify(s)}`);
    out.nixpkgsRevision = s;
  }
  return out;
}

function parsePython(r: JsonReader, value: unknown, at: (string | number)[]): PythonDist {
  const e = r.object(value, at);
  const dist: PythonDist = {
    path: r.absolutePath(e["path"], [...at, "path"]),
    name: r.string(e["name"], [...at, "name"]),
    version: r.string(e["version"], [...at, "version"]),
  };
  if (e["url"] !== undefined && e["url"] !== null) dist.url = r.string(e["url"], [...at, "url"]);
  if (e["sha256"] !== undefined && e["sha256"] !== null) {
    dist.sha256 = requireSha256(r.string(e["sha256"], [...at, "sha256"]), { file: r.file, path: [...at, "sha256"] });
  }
  return dist;
}

function parseWeightSet(r: JsonReader, value: unknown, at: (string | number)[]): WeightSet {
  const e = r.object(value, at);
  const mode = r.string(e["mode"], [...at, "mode"]);
  if (mode !== "build" && mode !== "runtime") r.fail([...at, "mode"], `expected "build" or "runtime", got ${JSON.stringify(mode)}`);
  const set: WeightSet = {
    name: r.string(e["name"], [...at, "name"]),
    source: r.string(e["source"], [...at, "source"]),
    target: r.absolutePath(e["target"], [...at, "target"]),
    mode,
    files: r.array(e["files"], [...at, "files"]).map((f, i) => {
      const fat = [...at, "files", i];
      const fo = r.object(f, fat);
      const sha = r.string(fo["sha256"], [...fat, "sha256"]);
      if (!/^[0-9a-f]{64}$/.test(sha)) r.fail([...fat, "sha256"], `expected 64 lowercase hex digits, got ${JSON.stringify(sha)}`);
      return {
        path: r.string(fo["path"], [...fat, "path"]),
        size: r.integer(fo["size"], [...fat, "size"]),
        sha256: sha,
        urls: r.stringArray(fo["urls"] ?? [], [...fat, "urls"]),
      };
    }),
  };
  if (e["path"] !== undefined && e["path"] !== null) set.path = r.absolutePath(e["path"], [...at, "path"]);
  if (mode === "build" && set.path === undefined) r.fail([...at, "path"], "a build-time weight set needs its store path");
  return set;
}

/**
 * Only what the image holds: derivation and Python entries for paths of the
 * closure (the evaluation also names build-time inputs), sorted, one per path.
 */
export function restrictToClosure(inputs: BomInputs, closure: ReadonlySet<string>): BomInputs {
  const byPath = <T extends { path: string }>(items: readonly T[]): T[] =>
    [...new Map(items.filter((i) => closure.has(i.path)).map((i) => [i.path, i])).values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const out: BomInputs = {
    packages: byPath(inputs.packages),
    python: byPath(inputs.python),
    weights: [...inputs.weights].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
  if (inputs.nixpkgsRevision !== undefined) out.nixpkgsRevision = inputs.nixpkgsRevision;
  return out;
}
