import { parse, TomlError, type TomlTableWithoutBigInt, type TomlValueWithoutBigInt } from "smol-toml";
import { CognixError } from "../util/errors.ts";

/** pyproject.toml and uv.lock as read; dates are TomlDate objects. */
export type TomlTable = TomlTableWithoutBigInt;
export type TomlValue = TomlValueWithoutBigInt;

/** Parses TOML; a syntax error is a CognixError at its file, line and column. */
export function readToml(text: string, file?: string): TomlTable {
  try {
    return parse(text, { integersAsBigInt: false });
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const message = `not valid TOML: ${err.message.split("\n")[0]}`;
    throw new CognixError({ ...(file === undefined ? {} : { file }), line: err.line, column: err.column, message });
  }
}

export function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
