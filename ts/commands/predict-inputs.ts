import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import type { Readable } from "node:stream";
import { UsageError } from "../cli/usage-error.ts";
import { CognixError, type Problem } from "../util/errors.ts";
import { parseJson } from "../util/json-input.ts";

/** One `-i name=value` as given; `@file` values name a file to send. */
export interface RawInput {
  name: string;
  value: string;
}

/** The inputs of a prediction before the model's schema types them: `-i` pairs, or `--json`'s object. */
export type GivenInputs = { kind: "pairs"; pairs: RawInput[] } | { kind: "json"; values: Record<string, unknown>; source: string };

export function parseInput(arg: string): RawInput {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new UsageError(`-i ${JSON.stringify(arg)}: expected name=value (or name=@file)`);
  let value = arg.slice(eq + 1);
  // As Cog reads it: one pair of surrounding double quotes is dropped.
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  return { name: arg.slice(0, eq), value };
}

const MIME: Record<string, string> = {
  ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
  ".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime",
  ".wav": "audio/wav", ".mp3": "audio/mpeg", ".flac": "audio/flac", ".ogg": "audio/ogg",
  ".txt": "text/plain", ".json": "application/json", ".pdf": "application/pdf",
};

/** A file as the data URI the Cog server accepts for Path inputs. */
export function fileDataUri(cwd: string, path: string): string {
  const data = readFileSync(resolve(cwd, path));
  return `data:${MIME[extname(path).toLowerCase()] ?? "application/octet-stream"};base64,${data.toString("base64")}`;
}

/** `@file` values that cannot be read, one problem each: checked before anything starts. */
function unreadableFiles(cwd: string, files: readonly { name: string; path: string }[]): Problem[] {
  const problems: Problem[] = [];
  for (const { name, path } of files) {
    // resolve() would read "" as the current directory.
    if (path === "") {
      problems.push({ message: `input ${name}: "@" names no file: write ${name}=@FILE` });
      continue;
    }
    const abs = resolve(cwd, path);
    try {
      if (statSync(abs).isDirectory()) {
        problems.push({ file: path, message: `input ${name}: a directory, not a file` });
        continue;
      }
      accessSync(abs, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({ file: path, message: `input ${name}: ${code === "ENOENT" ? "no such file" : `cannot be read (${code ?? (err as Error).message})`}` });
    }
  }
  return problems;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString("utf8");
}

/** `--json` as Cog reads it: `@file`, `@-` or `-` (stdin), or the JSON itself; an object of inputs. */
async function readJsonInputs(spec: string, cwd: string, stdin: Readable | undefined): Promise<{ values: Record<string, unknown>; source: string }> {
  let text: string;
  let source: string;
  if (spec === "-" || spec === "@-") {
    if (stdin === undefined) throw new UsageError("--json @-: there is no standard input to read");
    text = await readAll(stdin);
    source = "<stdin>";
  } else if (spec.startsWith("@")) {
    source = spec.slice(1);
    try {
      text = readFileSync(resolve(cwd, source), "utf8");
    } catch (err) {
      throw new CognixError({ file: source, message: `--json: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
    }
  } else {
    text = spec;
    source = "--json";
  }
  const parsed = parseJson(text, source);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new CognixError({ file: source, message: "must be a JSON object of inputs, e.g. {\"prompt\": \"a cat\"}" });
  return { values: parsed as Record<string, unknown>, source };
}

/**
 * The inputs from `-i` or `--json` (never both, as Cog says), every file
 * they name checked readable: all before a container or server starts.
 */
export async function gatherInputs(pairs: readonly string[], json: string | undefined, cwd: string, stdin: Readable | undefined): Promise<GivenInputs> {
  if (json !== undefined && pairs.length > 0) throw new UsageError("use one of --json or -i/--input to give the inputs, not both");
  if (json !== undefined) {
    const { values, source } = await readJsonInputs(json, cwd, stdin);
    const files = Object.entries(values).flatMap(([name, v]) => (typeof v === "string" && v.startsWith("@") ? [{ name, path: v.slice(1) }] : []));
    const problems = unreadableFiles(cwd, files);
    if (problems.length > 0) throw new CognixError(problems);
    return { kind: "json", values, source };
  }
  const parsed = pairs.map(parseInput);
  const problems = unreadableFiles(cwd, parsed.flatMap((p) => (p.value.startsWith("@") ? [{ name: p.name, path: p.value.slice(1) }] : [])));
  if (problems.length > 0) throw new CognixError(problems);
  return { kind: "pairs", pairs: parsed };
}

type JsonSchema = { type?: string; items?: JsonSchema; format?: string; $ref?: string; allOf?: JsonSchema[] };

/** The JSON Schema of each input, from the model's OpenAPI document (components.schemas.Input). */
export function inputSchemas(openapi: unknown): Record<string, JsonSchema> {
  const input = (openapi as { components?: { schemas?: { Input?: { properties?: Record<string, JsonSchema> } } } } | null)?.components?.schemas?.Input;
  return input?.properties ?? {};
}

function coerceOne(raw: string, schema: JsonSchema | undefined, where: string): unknown {
  switch (schema?.type) {
    case "integer":
      if (!/^[-+]?\d+$/.test(raw)) throw new CognixError({ message: `${where}: expected an integer, got ${JSON.stringify(raw)}` });
      return Number(raw);
    case "number":
      if (raw.trim() === "" || Number.isNaN(Number(raw))) throw new CognixError({ message: `${where}: expected a number, got ${JSON.stringify(raw)}` });
      return Number(raw);
    case "boolean":
      if (raw !== "true" && raw !== "false") throw new CognixError({ message: `${where}: expected true or false, got ${JSON.stringify(raw)}` });
      return raw === "true";
    default:
      return raw;
  }
}

/**
 * The request's `input` object: `-i` values converted to the types the
 * model's schema declares, repeated names of list inputs collected in order,
 * `@file` values (in `-i` or in `--json`'s strings) sent as data URIs.
 */
export function buildInput(given: GivenInputs, openapi: unknown, cwd: string): Record<string, unknown> {
  const schemas = inputSchemas(openapi);
  const known = Object.keys(schemas);
  const out: Record<string, unknown> = {};
  const names = given.kind === "json" ? Object.keys(given.values) : given.pairs.map((p) => p.name);
  const unknown = known.length === 0 ? [] : names.filter((n) => !(n in schemas));
  if (unknown.length > 0) {
    throw new CognixError(unknown.map((n) => ({ message: `input ${n}: the model has no such input (it takes ${known.join(", ")})` })));
  }
  if (given.kind === "json") {
    for (const [name, v] of Object.entries(given.values)) out[name] = typeof v === "string" && v.startsWith("@") ? fileDataUri(cwd, v.slice(1)) : v;
    return out;
  }
  for (const { name, value } of given.pairs) {
    const schema = schemas[name];
    const where = `-i ${name}`;
    const isList = schema?.type === "array";
    const v = value.startsWith("@") ? fileDataUri(cwd, value.slice(1)) : coerceOne(value, isList ? schema.items : schema, where);
    if (isList) out[name] = [...((out[name] as unknown[] | undefined) ?? []), v];
    else if (name in out) throw new UsageError(`${where} given twice`);
    else out[name] = v;
  }
  return out;
}
