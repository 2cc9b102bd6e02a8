import { CognixError, formatProblem, type Location, type Problem } from "../../util/errors.ts";
import { APT_TABLE, type AptEntry } from "./table.ts";

/** What the model's flake says of apt names cognix cannot map (`image.aptMapping`, `image.ignoreApt`). */
export interface AptHints {
  mapping: Readonly<Record<string, readonly string[]>>;
  ignore: readonly string[];
}

/** A system_packages entry, read. */
export interface AptRequest {
  /** Bare apt package names, lower-case: pins, architectures and flags dropped. */
  names: string[];
  loc: Location;
}

/** Names the image's Python already covers: python3.11, libpython3.10-dev, … */
const PYTHON_VERSIONED = /^(lib)?python3(\.\d+)?(-(dev|minimal|stdlib|venv|distutils))?$/;
/** Debian policy: lower-case letters, digits, `+`, `-`, `.`; two characters at least. */
const APT_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
/** Runtime packages carry the soname: libxrender-dev ↔ libxrender1, libx11-dev ↔ libx11-6. */
const SONAME_SUFFIX = /^(\d+(\.\d+)*)?(-\d+)?$/;
const NAMES = Object.keys(APT_TABLE).sort();

function lookup(name: string): AptEntry | undefined {
  const direct = APT_TABLE[name];
  if (direct) return direct;
  if (PYTHON_VERSIONED.test(name)) return { nix: [] };
  if (!name.endsWith("-dev")) return undefined;
  // libfoo-dev is the same nixpkgs package as libfoo (headers are its dev output).
  const base = name.slice(0, -4);
  const runtime = NAMES.filter((k) => k.startsWith(base) && SONAME_SUFFIX.test(k.slice(base.length)))
    .sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))[0];
  return runtime === undefined ? undefined : APT_TABLE[runtime];
}

/**
 * Reads build.system_packages entries as `apt-get install` would: each word
 * a package (`name=version` pins and `:arch` qualifiers dropped with a
 * warning), words starting with `-` apt options, ignored with a warning.
 * A word that cannot be a package name is a problem at its entry.
 */
export function readAptEntries(pkgs: readonly { name: string; loc: Location }[], warnings: string[], problems: Problem[]): AptRequest[] {
  const out: AptRequest[] = [];
  for (const pkg of pkgs) {
    const names: string[] = [];
    let bad = false;
    for (const word of pkg.name.trim().split(/\s+/).filter((w) => w !== "")) {
      if (word.startsWith("-")) {
        warnings.push(formatProblem({ ...pkg.loc, message: `the apt option ${word} is ignored: "${pkg.name.trim()}" is read as the packages it names` }));
        continue;
      }
      let name = word.toLowerCase();
      const eq = name.indexOf("=");
      if (eq >= 0) {
        warnings.push(formatProblem({ ...pkg.loc, message: `the apt version pin of "${word}" is ignored; the version comes from the pinned nixpkgs` }));
        name = name.slice(0, eq);
      }
      const colon = name.indexOf(":");
      if (colon >= 0) name = name.slice(0, colon);
      if (!APT_NAME.test(name)) {
        problems.push({ ...pkg.loc, message: `${JSON.stringify(word)} is not an apt package name` });
        bad = true;
        continue;
      }
      names.push(name);
    }
    if (names.length === 0 && !bad) problems.push({ ...pkg.loc, message: `system package ${JSON.stringify(pkg.name)} names no package` });
    out.push({ names, loc: pkg.loc });
  }
  return out;
}

/** The names cognix's own table cannot map: only these need the flake. */
export function unknownAptNames(requests: readonly AptRequest[]): string[] {
  return [...new Set(requests.flatMap((r) => r.names.filter((n) => lookup(n) === undefined)))];
}

/**
 * Maps apt names to nixpkgs attribute paths, in order, one entry per name.
 * Names cognix's table lacks take the flake's mapping or skip; any other
 * unknown name is a problem at its entry, saying how to map it.
 */
export function mapAptNames(
  requests: readonly AptRequest[],
  hints: AptHints | null,
  whyNoHints: string,
): { apt: string; nix: string[] }[] {
  const problems: Problem[] = [];
  const out: { apt: string; nix: string[] }[] = [];
  for (const req of requests) {
    for (const name of req.names) {
      const entry = lookup(name);
      if (entry !== undefined) out.push({ apt: name, nix: [...new Set(entry.nix)] });
      else if (hints?.ignore.includes(name)) out.push({ apt: name, nix: [] });
      else if (hints?.mapping[name] !== undefined) out.push({ apt: name, nix: [...new Set(hints.mapping[name])] });
      else problems.push({ ...req.loc, message: unknownMessage(name, whyNoHints) });
    }
  }
  if (problems.length > 0) throw new CognixError(problems);
  return out;
}

function unknownMessage(name: string, whyNoHints: string): string {
  const key = JSON.stringify(name);
  return (
    `unknown apt package ${key}: cognix has no nixpkgs mapping for it${whyNoHints === "" ? "" : ` (${whyNoHints})`}. ` +
    `In the model's module in flake.nix, map it (image.aptMapping.${key} = [ "<nixpkgs attribute>" ];) or leave it out (image.ignoreApt = [ ${key} ];); ` +
    "cognix generate reads both from the flake, and cog.yaml stays as it is"
  );
}
