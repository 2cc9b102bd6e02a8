import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/** The schemas shipped with cognix, read from `schemas/` beside `ts/` (or `dist/`). */
export type SchemaName = "cog" | "cognix";

const SCHEMA_FILES: Record<SchemaName, string> = {
  cog: "cog.schema.json",
  cognix: "cognix.schema.json",
};

export function schemaPath(name: SchemaName): string {
  return new URL(`../../schemas/${SCHEMA_FILES[name]}`, import.meta.url).pathname;
}

export function loadSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaPath(name), "utf8")) as Record<string, unknown>;
}

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const compiled = new Map<SchemaName, ValidateFunction>();

function validator(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (fn === undefined) {
    // verbose keeps parentSchema on errors, used to suggest known keys.
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    fn = ajv.compile(loadSchema(name));
    compiled.set(name, fn);
  }
  return fn;
}

/** Validates `value` against a shipped schema; an empty list means valid. */
export function validateAgainst(name: SchemaName, value: unknown): ErrorObject[] {
  const fn = validator(name);
  return fn(value) ? [] : [...(fn.errors ?? [])];
}
