import { spawn } from "node:child_process";
import { CognixError } from "../util/errors.ts";

export interface RunUvOptions {
  /** The uv executable; default `$COGNIX_UV` or `uv` on PATH. */
  uv?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra arguments after `uv lock` (e.g. --upgrade). */
  args?: readonly string[];
  /** Receives uv's stderr as it comes (progress on a terminal). */
  onStderr?: (chunk: string) => void;
}

/**
 * Runs `uv lock` in `dir` (needs network: uv resolves against the indexes).
 * A missing uv, or uv failing, is a CognixError that says what to do.
 */
export function runUvLock(dir: string, opts: RunUvOptions = {}): Promise<void> {
  const env = opts.env ?? process.env;
  const uv = opts.uv ?? env["COGNIX_UV"] ?? "uv";
  return new Promise((resolve, reject) => {
    const child = spawn(uv, ["lock", ...(opts.args ?? [])], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      opts.onStderr?.(chunk);
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") {
        reject(
          new CognixError({
            message: `\`${uv}\` was not found: \`cognix lock\` runs \`uv lock\`. Install uv (https://docs.astral.sh/uv/getting-started/installation/) or set COGNIX_UV to its path`,
          }),
        );
      } else {
        reject(new CognixError({ message: `could not run \`${uv} lock\`: ${err.message}` }));
      }
    });
    child.on("close", (code, signal) => {
      if (code === 0) return resolve();
      const tail = stderr.trim().split("\n").slice(-20).join("\n");
      reject(
        new CognixError({
          file: `${dir}/pyproject.toml`,
          message: `\`${uv} lock\` failed (${signal ?? `exit ${code}`})${tail ? `:\n${tail}` : ""}`,
        }),
      );
    });
  });
}
