import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CognixError } from "../util/errors.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { reportError } from "../util/report-error.ts";
import { lockWeights } from "./lock.ts";
import { LOCK_FILE_NAME, readLockIfExists, writeLock } from "./lock-file.ts";
import { ProgressLine } from "../util/progress.ts";
import { parseWeightEntries } from "./weight-entry.ts";

export interface ModelWeightsLocked {
  lockFile: string;
  /** Files per set. */
  files: Record<string, number>;
  notes: string[];
}

/**
 * Locks the weights of the model whose cognix.json is `config`, writing
 * weights.lock.json beside it (or to `out`). For `cognix lock` to call after
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

const USAGE = `usage: cognix lock-weights [--config cognix.json] [--out weights.lock.json] [--update] [--json]`;

/**
 * `cognix lock` (weights part): lists each cognix.json weight source and
 * writes weights.lock.json beside it with every file's size and sha256.
 */
export async function lockWeightsCommand(argv: string[]): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: "string", default: "cognix.json" },
        out: { type: "string" },
        update: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    });
    json = values.json === true;
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const progress = ProgressLine.forStderr(json);
    let done: ModelWeightsLocked;
    try {
      done = await lockModelWeights(resolve(values.config ?? "cognix.json"), {
        ...(values.out ? { out: resolve(values.out) } : {}),
        update: values.update === true,
        onFile: (set, path) => progress.update(`locking ${set}: ${path}`),
      });
    } finally {
      progress.done();
    }
    const { lockFile: out, files: counts, notes } = done;
    if (json) process.stdout.write(canonicalJson({ ok: true, lockFile: out, files: counts, notes }));
    else {
      for (const n of notes) process.stderr.write(`note: ${n}\n`);
      process.stderr.write(`wrote ${out} (${Object.keys(counts).length} weight sets)\n`);
    }
    return 0;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      return reportError(new CognixError({ message: `${(err as Error).message}\n${USAGE}` }, 2), json, "lock-weights");
    }
    return reportError(err, json, "lock-weights");
  }
}
