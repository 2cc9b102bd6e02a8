import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import { newAjv } from "./ajv-setup.ts";

/** The schemas shipped with cognix, read from `schemas/` beside `ts/` (or `dist/`). */
export type SchemaName = "cog" | "cognix";

export const SCHEMA_NAMES: readonly SchemaName[] = ["cog", "cognix"];

const SCHEMA_FILES: Record<SchemaName, string> = {
  cog: "cog.schema.json",
  cognix: "cognix.schema.json",
};

/** The standalone validators `npm run build` writes beside the compiled form of this file. */
export const STANDALONE_FILE = "validators.standalone.cjs";

export function schemaPath(name: SchemaName): string {
  return new URL(`../../schemas/${SCHEMA_FILES[name]}`, import.meta.url).pathname;
}

export function loadSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaPath(name), "utf8")) as Record<string, unknown>;
}

const require = createRequire(import.meta.url);
let validators: Record<SchemaName, ValidateFunction> | undefined;

/**
 * The precompiled validators when this is the built package (a few ms to
 * load); compiled with ajv on first use when running from the sources.
 */
function load(): Record<SchemaName, ValidateFunction> {
  try {
    return require(`./${STANDALONE_FILE}`) as Record<SchemaName, ValidateFunction>;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code !== "MODULE_NOT_FOUND" || !e.message.includes(STANDALONE_FILE)) throw err;
  }
  const ajv = newAjv();
  const out = {} as Record<SchemaName, ValidateFunction>;
  for (const name of SCHEMA_NAMES) out[name] = ajv.compile(loadSchema(name));
  return out;
}

/** Validates `value` against a shipped schema; an empty list means valid. */
export function validateAgainst(name: SchemaName, value: unknown): ErrorObject[] {
  validators ??= load();
  const fn = validators[name];
  return fn(value) ? [] : [...(fn.errors ?? [])];
}
