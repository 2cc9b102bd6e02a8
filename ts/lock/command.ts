import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandSpec } from "../cli/spec.ts";
import type { Context } from "../cli/context.ts";
import type { CognixConfig } from "../types/cognix.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { parseJson } from "../util/json-input.ts";
import { modelDir } from "../util/model-root.ts";
import type { LockStatus } from "./freshness.ts";

/** DIR/cognix.json parsed, or null when there is none. */
function readCognixJson(dir: string): CognixConfig | null {
  const file = join(dir, "cognix.json");
  if (!existsSync(file)) return null;
  return parseJson(readFileSync(file, "utf8"), file, "run `cognix generate`") as CognixConfig;
}

/**
 * pyproject.toml is derived from cognix.json: (re)writes it when the file is
 * missing or says something else. True when written.
 */
async function syncPyproject(dir: string, cognix: CognixConfig): Promise<boolean> {
  const { renderPyproject } = await import("../pyproject/render.ts");
  const { writePyproject } = await import("../pyproject/write.ts");
  const file = join(dir, "pyproject.toml");
  if (existsSync(file) && readFileSync(file, "utf8") === renderPyproject(cognix)) return false;
  writePyproject(dir, cognix);
  return true;
}

/**
 * uv's environment: unless UV_PYTHON says otherwise, a host CPython of the
 * model's Python version, so that uv need not download one.
 */
async function uvEnvironment(env: NodeJS.ProcessEnv, cognix: CognixConfig | null): Promise<NodeJS.ProcessEnv> {
  if (env["UV_PYTHON"] || cognix === null) return env;
  const { findHostPython } = await import("./host-python.ts");
  const python = typeof cognix.python?.version === "string" ? findHostPython(cognix.python.version, env) : null;
  return python === null ? env : { ...env, UV_PYTHON: python };
}

async function staleError(status: LockStatus): Promise<CognixError> {
  const { describeChange } = await import("./freshness.ts");
  return new CognixError([
    { file: status.lockFile, message: "uv.lock is stale: the requirements changed since it was made; run `cognix lock`" },
    ...status.changes.map((c) => ({ file: status.pyprojectFile, message: describeChange(c) })),
  ]);
}

async function check(dir: string, json: boolean, ctx: Context): Promise<number> {
  const { checkLockFresh } = await import("./freshness.ts");
  const status = checkLockFresh(dir);
  if (!status.fresh) throw await staleError(status);
  if (json) ctx.stdout.write(canonicalJson({ ok: true, ...status }));
  else ctx.stderr.write(`${status.lockFile} is up to date\n`);
  return 0;
}

/** `cognix lock [DIR]`: pyproject.toml from cognix.json, uv.lock with `uv lock`, weights.lock.json. */
export const lockCommand: CommandSpec = {
  name: "lock",
  summary: "pyproject.toml + uv.lock (uv lock) and weights.lock.json",
  description:
    "Writes DIR/pyproject.toml from cognix.json, resolves it into DIR/uv.lock with `uv lock` (the network is needed) and, when cognix.json declares weights, records each weight file's size and sha256 in DIR/weights.lock.json. DIR defaults to the model the current directory is in.",
  options: [
    { name: "check", kind: "boolean", help: "only check that uv.lock matches pyproject.toml, naming each changed requirement; exit 1 when stale" },
    { name: "upgrade", kind: "boolean", help: "re-resolve everything (uv lock --upgrade), weights included" },
    { name: "json", kind: "boolean", help: "print the result as JSON on stdout" },
  ],
  positionals: [{ name: "DIR" }],
  jsonOption: "json",
  cog: { command: null, differs: "Cog resolves requirements at build time, unpinned; cognix pins them in uv.lock first." },
  async run(args, ctx) {
    const dir = modelDir(ctx.cwd, args.positional(0)).dir;
    const json = args.flag("json");
    if (args.flag("check")) return check(dir, json, ctx);
    const cognix = readCognixJson(dir);
    const wrotePyproject = cognix !== null && (await syncPyproject(dir, cognix));
    if (wrotePyproject && !json) ctx.stderr.write(`wrote ${join(dir, "pyproject.toml")} from cognix.json\n`);
    const { runUvLock } = await import("./run-uv.ts");
    const { checkLockFresh } = await import("./freshness.ts");
    const { readUvLock } = await import("./uv-lock.ts");
    const tty = !json && ctx.stderr.isTTY === true;
    await runUvLock(dir, {
      env: await uvEnvironment(ctx.env, cognix),
      args: args.flag("upgrade") ? ["--upgrade"] : [],
      onStderr: tty ? (chunk) => ctx.stderr.write(chunk) : undefined,
    });
    const status = checkLockFresh(dir);
    if (!status.fresh) throw await staleError(status);
    const packages = readUvLock(status.lockFile).packages.length;
    if (!json) ctx.stderr.write(`wrote ${status.lockFile} (${packages} packages)\n`);
    let weights: { lockFile: string; files: Record<string, number> } | null = null;
    if (Array.isArray(cognix?.weights) && cognix.weights.length > 0) {
      const { lockModelWeights } = await import("../weights/lock-model.ts");
      const locked = await lockModelWeights(join(dir, "cognix.json"), { update: args.flag("upgrade"), env: ctx.env });
      weights = { lockFile: locked.lockFile, files: locked.files };
      if (!json) {
        for (const note of locked.notes) ctx.stderr.write(`note: ${note}\n`);
        const n = Object.values(locked.files).reduce((a, b) => a + b, 0);
        ctx.stderr.write(`wrote ${locked.lockFile} (${n} files)\n`);
      }
    }
    if (json) ctx.stdout.write(canonicalJson({ ok: true, lockFile: status.lockFile, packages, wrotePyproject, weights }));
    return 0;
  },
};
