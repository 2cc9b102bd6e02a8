import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { renderPyproject } from "../pyproject/render.ts";
import { writePyproject } from "../pyproject/write.ts";
import type { CognixConfig } from "../types/cognix.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError, formatProblem } from "../util/errors.ts";
import { checkLockFresh, describeChange, type LockStatus } from "./freshness.ts";
import { findHostPython } from "./host-python.ts";
import { runUvLock } from "./run-uv.ts";
import { readUvLock } from "./uv-lock.ts";
import { lockModelWeights } from "../weights/lock-command.ts";
import { parseArgsMessage } from "../util/parse-args-message.ts";
import { reportError } from "../util/report-error.ts";

const USAGE = `usage: cognix lock [DIR] [--check] [--upgrade] [--json]

Writes DIR/pyproject.toml from cognix.json, resolves it into DIR/uv.lock with
\`uv lock\` (network needed) and, when cognix.json declares weights, records
each weight file's size and sha256 in DIR/weights.lock.json. --check only
checks that uv.lock matches pyproject.toml. --upgrade re-resolves everything.`;

/** True when DIR/cognix.json declares weights. */
function declaresWeights(dir: string): boolean {
  const file = join(dir, "cognix.json");
  if (!existsSync(file)) return false;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { weights?: unknown };
  return Array.isArray(parsed.weights) && parsed.weights.length > 0;
}

/**
 * pyproject.toml is derived from cognix.json: (re)writes it when cognix.json
 * exists and the file is missing or says something else. True when written.
 */
function syncPyproject(dir: string): boolean {
  const cognixFile = join(dir, "cognix.json");
  if (!existsSync(cognixFile)) return false;
  let cognix: CognixConfig;
  try {
    cognix = JSON.parse(readFileSync(cognixFile, "utf8")) as CognixConfig;
  } catch (err) {
    throw new CognixError({ file: cognixFile, message: `not valid JSON: ${(err as Error).message}; run \`cognix generate\`` });
  }
  const file = join(dir, "pyproject.toml");
  const wanted = renderPyproject(cognix);
  if (existsSync(file) && readFileSync(file, "utf8") === wanted) return false;
  writePyproject(dir, cognix);
  return true;
}

/**
 * uv's environment: unless UV_PYTHON says otherwise, a host CPython of the
 * model's Python version, so that uv need not download one.
 */
function uvEnvironment(dir: string): NodeJS.ProcessEnv {
  if (process.env["UV_PYTHON"]) return process.env;
  const file = join(dir, "cognix.json");
  if (!existsSync(file)) return process.env;
  const version = (JSON.parse(readFileSync(file, "utf8")) as { python?: { version?: unknown } }).python?.version;
  const python = typeof version === "string" ? findHostPython(version) : null;
  return python === null ? process.env : { ...process.env, UV_PYTHON: python };
}

function staleError(status: LockStatus): CognixError {
  return new CognixError([
    { file: status.lockFile, message: "uv.lock is stale: the requirements changed since it was made; run `cognix lock`" },
    ...status.changes.map((c) => ({ file: status.pyprojectFile, message: describeChange(c) })),
  ]);
}

/**
 * `cognix lock`: resolves DIR/pyproject.toml into DIR/uv.lock with `uv lock`
 * (network needed), then checks the result. When DIR/cognix.json exists,
 * pyproject.toml is first brought in line with it. `--check` only checks that
 * uv.lock matches pyproject.toml and names what changed; exit 1 when stale.
 */
export async function lockCommand(argv: string[]): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        check: { type: "boolean", default: false },
        upgrade: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    json = values.json === true;
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length > 1) throw new CognixError({ message: `one directory at most\n${USAGE}` }, 2);
    const dir = resolve(positionals[0] ?? ".");

    if (values.check) {
      const status = checkLockFresh(dir);
      if (json) process.stdout.write(canonicalJson({ ok: status.fresh, ...status }));
      if (!status.fresh) {
        for (const p of staleError(status).problems) process.stderr.write(`error: ${formatProblem(p)}\n`);
        return 1;
      }
      if (!json) process.stderr.write(`${status.lockFile} is up to date\n`);
      return 0;
    }

    const wrotePyproject = syncPyproject(dir);
    if (wrotePyproject && !json) process.stderr.write(`wrote ${join(dir, "pyproject.toml")} from cognix.json\n`);
    const tty = !json && process.stderr.isTTY === true;
    await runUvLock(dir, {
      env: uvEnvironment(dir),
      args: values.upgrade ? ["--upgrade"] : [],
      onStderr: tty ? (chunk) => process.stderr.write(chunk) : undefined,
    });
    const status = checkLockFresh(dir);
    if (!status.fresh) throw staleError(status);
    const packages = readUvLock(status.lockFile).packages.length;
    if (!json) process.stderr.write(`wrote ${status.lockFile} (${packages} packages)\n`);
    let weights: { lockFile: string; files: Record<string, number> } | null = null;
    if (declaresWeights(dir)) {
      const locked = await lockModelWeights(join(dir, "cognix.json"), { update: values.upgrade === true });
      weights = { lockFile: locked.lockFile, files: locked.files };
      if (!json) {
        for (const note of locked.notes) process.stderr.write(`note: ${note}\n`);
        const n = Object.values(locked.files).reduce((a, b) => a + b, 0);
        process.stderr.write(`wrote ${locked.lockFile} (${n} files)\n`);
      }
    }
    if (json) process.stdout.write(canonicalJson({ ok: true, lockFile: status.lockFile, packages, wrotePyproject, weights }));
    return 0;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      return reportError(new CognixError({ message: `${parseArgsMessage(err)}\n${USAGE}` }, 2), json, "lock");
    }
    return reportError(err, json, "lock");
  }
}
