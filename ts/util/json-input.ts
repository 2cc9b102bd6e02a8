import { readFileSync } from "node:fs";
import { CognixError } from "./errors.ts";
import { jsonSyntaxErrorIndex } from "./json-syntax.ts";

/** Reads and parses a JSON file; syntax errors name the line and column. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new CognixError({ file, message: `cannot read: ${(err as Error).message}` });
  }
  return parseJson(text, file);
}

/**
 * `text` parsed as JSON. A syntax error names `file` (the input as the user
 * knows it: a path, `--json`, `<stdin>`) with the line and column where
 * parsing stopped, then `hint` (what to do about it) when given.
 */
export function parseJson(text: string, file: string, hint?: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = `invalid JSON: ${(err as Error).message}${hint === undefined ? "" : `; ${hint}`}`;
    const at = errorIndex((err as Error).message, text);
    throw new CognixError({ file, ...(at !== undefined ? lineColumn(text, at) : {}), message });
  }
}

/** Where JSON.parse stopped: as its message says ("at position N"), else found again (V8 does not say for an unexpected token). */
function errorIndex(message: string, text: string): number | undefined {
  const at = /position (\d+)/.exec(message)?.[1];
  return at !== undefined ? Number(at) : jsonSyntaxErrorIndex(text);
}

/** Line and column (1-based) of character `index` in `text`. */
function lineColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, index));
  return { line: before.split("\n").length, column: index - before.lastIndexOf("\n") };
}

type KeyPath = readonly (string | number)[];

/** Typed accessors that fail with the file and key path of the offending value. */
export class JsonReader {
  constructor(readonly file: string) {}

  fail(path: KeyPath, message: string): never {
    throw new CognixError({ file: this.file, path, message });
  }

  object(value: unknown, path: KeyPath): Record<string, unknown> {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.fail(path, `expected an object, got ${describe(value)}`);
    }
    return value as Record<string, unknown>;
  }

  array(value: unknown, path: KeyPath): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected an array, got ${describe(value)}`);
    return value;
  }

  string(value: unknown, path: KeyPath): string {
    if (typeof value !== "string") this.fail(path, `expected a string, got ${describe(value)}`);
    return value;
  }

  optString(value: unknown, path: KeyPath): string | undefined {
    return value === undefined ? undefined : this.string(value, path);
  }

  integer(value: unknown, path: KeyPath): number {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      this.fail(path, `expected a non-negative integer, got ${describe(value)}`);
    }
    return value;
  }

  stringArray(value: unknown, path: KeyPath): string[] {
    return this.array(value, path).map((v, i) => this.string(v, [...path, i]));
  }

  absolutePath(value: unknown, path: KeyPath): string {
    const s = this.string(value, path);
    if (!s.startsWith("/")) this.fail(path, `expected an absolute path, got ${JSON.stringify(s)}`);
    if (s.split("/").some((part) => part === ".." || part === ".")) {
      this.fail(path, `path must not contain "." or ".." components: ${JSON.stringify(s)}`);
    }
    return s;
  }

  digest(value: unknown, path: KeyPath): string {
    const s = this.string(value, path);
    if (!/^sha256:[0-9a-f]{64}$/.test(s)) this.fail(path, `expected a sha256:<64 hex> digest, got ${JSON.stringify(s)}`);
    return s;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "nothing";
  return `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}
