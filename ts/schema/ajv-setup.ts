import { createRequire } from "node:module";
import type { Ajv, Options } from "ajv";

/**
 * The one ajv configuration cognix validates with, whether the validators
 * are compiled at run time (from the TypeScript sources) or ahead of time
 * into standalone code (the built package). ajv is loaded synchronously and
 * only when called, as the built package never needs it at run time.
 */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  // verbose keeps parentSchema on errors, used to suggest known keys.
  verbose: true,
  strict: true,
  allowUnionTypes: true,
};

const require = createRequire(import.meta.url);

export function newAjv(extra: Options = {}): Ajv {
  const { Ajv: AjvClass } = require("ajv") as { Ajv: new (o: Options) => Ajv };
  const addFormats = require("ajv-formats") as (ajv: Ajv) => Ajv;
  const ajv = new AjvClass({ ...AJV_OPTIONS, ...extra });
  addFormats(ajv);
  return ajv;
}
