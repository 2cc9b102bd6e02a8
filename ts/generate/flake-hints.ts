import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { AptHints } from "./apt/index.ts";

/**
 * What cog.yaml cannot say and the model's flake does: how to map apt names
 * cognix does not know (`image.aptMapping`, `image.ignoreApt`) and whether
 * `python.interpreter` is set (for a Python nixpkgs lacks). Read with
 * `nix eval` only when generate meets such a name or Python, so a model that
 * needs neither never runs Nix.
 */
export interface FlakeHints {
  apt: AptHints;
  pythonInterpreter: boolean;
}

export type FlakeRead = { ok: true; hints: FlakeHints } | { ok: false; why: string };

/** What to ask the flake: only what generate needs, so nothing else is evaluated. */
export interface FlakeQuestions {
  apt: boolean;
  python: boolean;
}

interface PackageFacts {
  src: string;
  aptMapping?: Record<string, string[]>;
  ignoreApt?: string[];
  interpreter?: boolean;
}

/** The nearest flake.nix from the model directory up to the top of its git work tree. */
function findFlake(root: string): string | null {
  for (let dir = root; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "flake.nix"))) return dir;
    if (existsSync(join(dir, ".git")) || dirname(dir) === dir) return null;
  }
}

/** Where nix copies a flake from: the git work tree holding it, else its own directory. */
function sourceRoots(flakeDir: string): string[] {
  for (let dir = flakeDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir === flakeDir ? [dir] : [dir, flakeDir];
    if (dirname(dir) === dir) return [flakeDir];
  }
}

function applyExpr(q: FlakeQuestions): string {
  const fields = [
    "src = builtins.unsafeDiscardStringContext (toString p.config.cog.src);",
    q.apt ? "aptMapping = p.config.image.aptMapping; ignoreApt = p.config.image.ignoreApt;" : "",
    // A definition by the user ranks above the option's default (priority 1500).
    q.python ? "interpreter = p.options.python.interpreter.highestPrio < 1500;" : "",
  ].join(" ");
  return `ps: builtins.mapAttrs (n: p: if p ? config && p.config ? cog && p.config ? image && p.config.image ? aptMapping then { ${fields} } else null) ps`;
}

const system = (): string => `${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux`;

/** The first lines of nix's error, enough to say what went wrong. */
function nixError(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("warning:"));
  const first = lines.findIndex((l) => /^\s*error:/.test(l));
  return (first < 0 ? lines.slice(-3) : lines.slice(first, first + 3)).map((l) => l.trim()).join(" ") || "nix printed nothing";
}

/** Evaluates the flake's facts for the model at `root` (absolute, symlink-free). */
export function readFlakeHints(root: string, q: FlakeQuestions, env: NodeJS.ProcessEnv = process.env): FlakeRead {
  const flakeDir = findFlake(root);
  if (flakeDir === null) return { ok: false, why: "the model has no flake.nix" };
  const shown = relative(root, join(flakeDir, "flake.nix")) || "flake.nix";
  const extra = "experimental-features = nix-command flakes";
  const r = spawnSync("nix", ["eval", "--json", "--no-write-lock-file", `${flakeDir}#packages.${system()}`, "--apply", applyExpr(q)], {
    encoding: "utf8",
    env: { ...env, NIX_CONFIG: env["NIX_CONFIG"] ? `${env["NIX_CONFIG"]}\n${extra}` : extra },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 600_000,
  });
  if (r.error !== undefined) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return { ok: false, why: code === "ENOENT" ? `${shown} could not be read: nix is not installed` : `${shown} could not be read: ${r.error.message}` };
  }
  if (r.status !== 0) return { ok: false, why: `nix could not evaluate ${shown}: ${nixError(r.stderr)}` };
  const packages = JSON.parse(r.stdout) as Record<string, PackageFacts | null>;
  const facts = Object.values(packages).find((p) => p !== null && isModel(flakeDir, p.src, root));
  if (facts === undefined || facts === null) return { ok: false, why: `${shown} has no cognix model for this directory` };
  return {
    ok: true,
    hints: {
      apt: { mapping: facts.aptMapping ?? {}, ignore: facts.ignoreApt ?? [] },
      pythonInterpreter: facts.interpreter === true,
    },
  };
}

/** Whether a model's `cog.src` (a store path) was copied from `root`. */
function isModel(flakeDir: string, src: string, root: string): boolean {
  const m = /^\/nix\/store\/[^/]+(?:\/(.*))?$/.exec(src);
  if (m === null) return false;
  return sourceRoots(flakeDir).some((top) => {
    const dir = join(top, m[1] ?? "");
    return existsSync(dir) && realpathSync(dir) === root;
  });
}
