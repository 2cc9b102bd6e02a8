import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { CognixError } from "../util/errors.ts";

/** One `-i name=value` as given; `@file` values name a file to send. */
export interface RawInput {
  name: string;
  value: string;
}

export function parseInput(arg: string): RawInput {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new CognixError({ message: `-i ${JSON.stringify(arg)}: expected name=value (or name=@file)` }, 2);
  return { name: arg.slice(0, eq), value: arg.slice(eq + 1) };
}

const MIME: Record<string, string> = {
  ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
  ".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime",
  ".wav": "audio/wav", ".mp3": "audio/mpeg", ".flac": "audio/flac", ".ogg": "audio/ogg",
  ".txt": "text/plain", ".json": "application/json", ".pdf": "application/pdf",
};

/** A file as the data URI the Cog server accepts for Path inputs. */
export function fileDataUri(cwd: string, path: string): string {
  const abs = resolve(cwd, path);
  let data: Buffer;
  try {
    data = readFileSync(abs);
  } catch {
    throw new CognixError({ file: path, message: "input file not found" });
  }
  return `data:${MIME[extname(abs).toLowerCase()] ?? "application/octet-stream"};base64,${data.toString("base64")}`;
}

type JsonSchema = { type?: string; items?: JsonSchema; format?: string };

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
 * The request's `input` object: values converted to the types the model's
 * schema declares, `@file` values sent as data URIs, repeated names of list
 * inputs collected in order.
 */
export function buildInput(raw: readonly RawInput[], openapi: unknown, cwd: string): Record<string, unknown> {
  const schemas = inputSchemas(openapi);
  const out: Record<string, unknown> = {};
  for (const { name, value } of raw) {
    const schema = schemas[name];
    const where = `-i ${name}`;
    const isList = schema?.type === "array";
    const v = value.startsWith("@") ? fileDataUri(cwd, value.slice(1)) : coerceOne(value, isList ? schema.items : schema, where);
    if (isList) out[name] = [...((out[name] as unknown[] | undefined) ?? []), v];
    else if (name in out) throw new CognixError({ message: `${where} given twice` }, 2);
    else out[name] = v;
  }
  return out;
}
