import { CognixError, type Location, type Problem } from "../../util/errors.ts";
import { APT_TABLE, type AptEntry } from "./table.ts";

const HOW_TO_MAP =
  "add the nixpkgs package yourself with the option `image.systemPackages` in your flake, or open an issue to add the mapping";

/** Names the image's Python already covers: python3.11, libpython3.10-dev, … */
const PYTHON_VERSIONED = /^(lib)?python3(\.\d+)?(-(dev|minimal|stdlib|venv|distutils))?$/;

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
 * Maps build.system_packages to nixpkgs attribute paths, in order. `name=version`
 * pins and `:arch` qualifiers are dropped with a warning. Throws a CognixError
 * naming every unknown package.
 */
export function mapSystemPackages(
  pkgs: { name: string; loc: Location }[],
  warnings: string[] = [],
): { apt: string; nix: string[] }[] {
  const problems: Problem[] = [];
  const out: { apt: string; nix: string[] }[] = [];
  for (const pkg of pkgs) {
    const written = pkg.name.trim();
    let name = written.toLowerCase();
    const eq = name.indexOf("=");
    if (eq >= 0) {
      warnings.push(`system package "${written}": the apt version pin is ignored; the version comes from the pinned nixpkgs`);
      name = name.slice(0, eq);
    }
    const colon = name.indexOf(":");
    if (colon >= 0) name = name.slice(0, colon);
    const entry = lookup(name);
    if (entry === undefined) {
      problems.push({ ...pkg.loc, message: `unknown apt package "${written}": cognix has no nixpkgs mapping for it; ${HOW_TO_MAP}` });
      continue;
    }
    out.push({ apt: written, nix: [...new Set(entry.nix)] });
  }
  if (problems.length > 0) throw new CognixError(problems);
  return out;
}
