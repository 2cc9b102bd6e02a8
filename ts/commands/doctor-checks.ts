import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "../cli/context.ts";
import { chrootMissing } from "../runtime/chroot.ts";
import { CognixError, formatProblem } from "../util/errors.ts";
import { parseJson } from "../util/json-input.ts";
import { cogConfigIn, shownPath } from "../util/model-root.ts";
import { sourceStorePath } from "../util/nix-source-path.ts";
import { findExecutable, runTool } from "./exec.ts";
import { nixError, nixEnv } from "./nix.ts";

export interface Finding {
  check: string;
  status: "ok" | "warning" | "error";
  message: string;
  /** What to do about it. */
  fix?: string;
}

const ok = (check: string, message: string): Finding => ({ check, status: "ok", message });

/** A CognixError's lines as one finding. */
export function fromError(check: string, err: unknown, fix: string): Finding {
  if (!(err instanceof CognixError)) throw err;
  return { check, status: "error", message: err.problems.map(formatProblem).join("; "), fix };
}

export async function checkNix(ctx: Context): Promise<Finding[]> {
  const nix = findExecutable("nix", ctx.env);
  if (nix === null) return [{ check: "nix", status: "error", message: "nix is not on PATH", fix: "install Nix (https://nixos.org/download; on Debian: apt-get install nix-bin)" }];
  const version = await runTool(nix, ["--version"], { cwd: ctx.cwd, env: ctx.env });
  const found: Finding[] = [ok("nix", version.stdout.trim() || nix)];
  // The text form: Nix 2.8's JSON gives experimental features as numbers.
  const config = await runTool(nix, ["--extra-experimental-features", "nix-command", "show-config"], { cwd: ctx.cwd, env: ctx.env });
  if (config.status !== 0) return [...found, { check: "nix config", status: "warning", message: `nix show-config failed: ${nixError(config.stderr)}` }];
  const features = (/^experimental-features = (.*)$/m.exec(config.stdout)?.[1] ?? "").split(/\s+/);
  found.push(
    features.includes("flakes")
      ? ok("nix config", "flakes enabled")
      : { check: "nix config", status: "warning", message: "flakes are not enabled in nix.conf (cognix enables them for its own nix calls; `nix build` by hand needs them)", fix: "add `experimental-features = nix-command flakes` to /etc/nix/nix.conf or ~/.config/nix/nix.conf" },
  );
  return found;
}

interface LockNode {
  locked?: Record<string, unknown>;
}

/** Each locked flake input: in the Nix store, or to be downloaded (offline, the build fails). */
export async function checkFlakeInputs(ctx: Context, flakeDir: string): Promise<Finding[]> {
  const lockFile = join(flakeDir, "flake.lock");
  const shown = join(shownPath(ctx.cwd, flakeDir), "flake.lock");
  if (!existsSync(lockFile)) return [{ check: "flake inputs", status: "warning", message: `${shown}: none yet; the first nix build writes it (and downloads the inputs)`, fix: "run cognix build with the network" }];
  let nodes: Record<string, LockNode>;
  try {
    nodes = (parseJson(readFileSync(lockFile, "utf8"), shown) as { nodes?: Record<string, LockNode> }).nodes ?? {};
  } catch (err) {
    if (!(err instanceof CognixError)) throw err;
    return [{ check: "flake inputs", status: "error", message: err.message, fix: "remove it and run cognix build (nix writes it again)" }];
  }
  const nix = findExecutable("nix", ctx.env);
  if (nix === null) return [];
  const locked = Object.entries(nodes).flatMap(([name, n]) => (n.locked !== undefined ? [{ name, locked: n.locked }] : []));
  return Promise.all(
    locked.map(async ({ name, locked: l }) => {
      // Where the lock has a narHash, ask for the path Nix would use (newer Nix
      // only reuses a stored input inside the flake machinery); otherwise let
      // fetchTree say whether it can have the input without the network.
      const stored = typeof l["narHash"] === "string" ? sourceStorePath(l["narHash"]) : null;
      const args = stored !== null ? ["path-info", stored] : ["eval", "--offline", "--impure", "--raw", "--expr", fetchTreeExpr(l)];
      const r = await runTool(nix, args, { cwd: ctx.cwd, env: nixEnv(ctx.env) });
      const what = typeof l["owner"] === "string" ? `${String(l["type"])}:${String(l["owner"])}/${String(l["repo"])}/${String(l["rev"] ?? "")}` : String(l["type"]);
      return r.status === 0
        ? ok("flake inputs", `${name} (${what}) is in the Nix store`)
        : { check: "flake inputs", status: "warning" as const, message: `${name} (${what}) is not in the Nix store: the build downloads it, and fails without the network`, fix: "build once with the network, or add it to the store (nix flake archive)" };
    }),
  );
}

/** The expression that fetches a locked input (its `dir` is not fetchTree's). */
function fetchTreeExpr(locked: Record<string, unknown>): string {
  const attrs = Object.fromEntries(Object.entries(locked).filter(([k]) => k !== "dir"));
  return `(builtins.fetchTree (builtins.fromJSON ${JSON.stringify(JSON.stringify(attrs)).replace(/\$\{/g, "\\${")})).outPath`;
}

/** docker, podman, cog and the chroot runner: what can start the image here. */
export async function checkEngines(ctx: Context): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const name of ["docker", "podman"] as const) {
    const path = findExecutable(name, ctx.env);
    if (path === null) continue;
    const server = await runTool(path, ["version", "--format", "{{.Server.Version}}"], { cwd: ctx.cwd, env: ctx.env });
    found.push(
      server.status === 0
        ? ok("engines", `${name} ${server.stdout.trim()}`)
        : { check: "engines", status: "warning", message: `${name} is installed but its daemon does not answer: ${server.stderr.trim().split("\n")[0] ?? ""}`, fix: `start the ${name} service` },
    );
  }
  const cog = findExecutable("cog", ctx.env);
  if (cog !== null) found.push(ok("engines", `cog at ${cog} (cognix run uses cog predict)`));
  const chroot = chrootMissing();
  found.push(chroot.length === 0 ? ok("engines", "chroot: cognix run/serve --engine chroot can run images here") : { check: "engines", status: "ok", message: `chroot runner unavailable (needs ${chroot.join(", ")})` });
  if (!found.some((f) => f.status === "ok" && /^(docker|podman|cog|chroot:)/.test(f.message))) {
    found.push({ check: "engines", status: "warning", message: "nothing here can start an image (no docker, podman or cog; chroot needs root, umoci and unshare)", fix: "install docker or podman, or write the image out with ./result oci DIR" });
  }
  return found;
}

/** The model's configuration file, found as Cog finds it. */
export function checkModel(ctx: Context, root: string | null): Finding[] {
  if (root === null) return [{ check: "model", status: "error", message: "no cog.yaml in this directory or any above it", fix: "run cognix doctor inside a Cog model" }];
  return [ok("model", `${join(shownPath(ctx.cwd, root), cogConfigIn(root) ?? "cog.yaml")}`)];
}
