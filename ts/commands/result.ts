import { accessSync, constants, openSync, readSync, closeSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { parseSpec, readSpec } from "../image/spec-file.ts";
import type { ImageSpec } from "../image/spec-types.ts";
import { CognixError } from "../util/errors.ts";
import type { Context } from "../cli/context.ts";
import { runTool } from "./exec.ts";

/** The absolute path of a built image (`./result`), checked to be an executable file. */
export function requireResult(ctx: Context, path: string): string {
  const abs = resolve(ctx.cwd, path);
  const shown = isAbsolute(path) ? path : relative(ctx.cwd, abs) || path;
  try {
    if (!statSync(abs).isFile()) throw new Error("not a file");
    accessSync(abs, constants.X_OK);
  } catch {
    throw new CognixError({ file: shown, message: "no built image here: run `cognix build` first (or name the result of one)" });
  }
  return abs;
}

/** Whether the file starts like a JSON object (an image spec) rather than a built image's script. */
export function isJsonFile(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("utf8").trimStart().startsWith("{");
  } finally {
    closeSync(fd);
  }
}

/**
 * The image spec behind `input`: an image spec JSON file, or a built image
 * (`./result`), whose `spec` subcommand prints it.
 */
export async function readImageSpec(ctx: Context, input: string): Promise<ImageSpec> {
  const abs = resolve(ctx.cwd, input);
  let isFile = false;
  try {
    isFile = statSync(abs).isFile();
  } catch {
    throw new CognixError({ file: input, message: "not found: give a built image (`cognix build` makes ./result) or an image spec file (.json)" });
  }
  if (!isFile) throw new CognixError({ file: input, message: "not a file: give an image spec (.json) or a built image (./result)" });
  if (isJsonFile(abs)) return readSpec(abs);
  const result = requireResult(ctx, input);
  const r = await runTool(result, ["spec"], { cwd: ctx.cwd, env: ctx.env });
  if (r.status !== 0) throw new CognixError({ file: input, message: `\`${input} spec\` failed (exit ${r.status}): ${r.stderr.trim()}` });
  let doc: unknown;
  try {
    doc = JSON.parse(r.stdout);
  } catch (err) {
    throw new CognixError({ file: input, message: `\`${input} spec\` did not print JSON: ${(err as Error).message}` });
  }
  return parseSpec(doc, input);
}
