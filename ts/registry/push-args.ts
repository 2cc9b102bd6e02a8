import { parseArgs } from "node:util";
import { CognixError } from "../util/errors.ts";
import type { PushOptions } from "./push.ts";

/** What `push` takes on the command line; the image itself comes from the caller. */
export type PushArgs = Omit<PushOptions, "configBlob" | "layers">;

export const PUSH_USAGE =
  "push REF [--insecure] [--jobs N] [--compression gzip|zstd] [--cache-dir DIR] [--authfile FILE] [--timeout SECONDS] [--json] [--no-progress]";

/** Parses `push` arguments; unknown flags and bad values are CognixErrors naming the flag. */
export function parsePushArgs(argv: readonly string[]): PushArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new CognixError({ message: `${(err as Error).message}\nusage: ${PUSH_USAGE}` });
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new CognixError({ message: `push takes exactly one image reference\nusage: ${PUSH_USAGE}` });
  const out: PushArgs = { ref: positionals[0] as string, insecure: values.insecure === true, json: values.json === true };
  if (values.jobs !== undefined) {
    const n = Number(values.jobs);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new CognixError({ path: ["--jobs"], message: `must be an integer from 1 to 64, got "${values.jobs}"` });
    out.jobs = n;
  }
  if (values.compression !== undefined) {
    if (values.compression !== "gzip" && values.compression !== "zstd") {
      throw new CognixError({ path: ["--compression"], message: `must be gzip or zstd, got "${values.compression}"` });
    }
    out.compression = values.compression;
  }
  if (values.timeout !== undefined) {
    const t = Number(values.timeout);
    if (!Number.isFinite(t) || t < 1 || t > 86_400) throw new CognixError({ path: ["--timeout"], message: `must be a number of seconds from 1 to 86400, got "${values.timeout}"` });
    out.timeoutSeconds = t;
  }
  if (values["cache-dir"] !== undefined) out.cacheDir = values["cache-dir"];
  if (values.authfile !== undefined) out.authFile = values.authfile;
  if (values["no-progress"] === true) out.progress = false;
  return out;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      insecure: { type: "boolean" },
      jobs: { type: "string", short: "j" },
      compression: { type: "string" },
      "cache-dir": { type: "string" },
      authfile: { type: "string" },
      timeout: { type: "string" },
      json: { type: "boolean" },
      "no-progress": { type: "boolean" },
    },
  });
}
