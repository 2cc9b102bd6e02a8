import type { ErrorObject } from "ajv";
import type { Problem } from "../util/errors.ts";
import { closest } from "./suggest.ts";
import type { KeyPath, YamlSource } from "./yaml-source.ts";

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "a boolean (true or false)",
  null: "empty",
};

function jsonType(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function describeValue(v: unknown): string {
  const t = jsonType(v);
  if (t === "string" || t === "number" || t === "integer" || t === "boolean") return `${TYPE_NAMES[t]} (${JSON.stringify(v)})`;
  return TYPE_NAMES[t] ?? t;
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** ajv's JSON pointer as a key path, with list indexes as numbers. */
export function pointerToPath(root: unknown, pointer: string): KeyPath {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    out.push(Array.isArray(valueAt(root, out)) && /^\d+$/.test(seg) ? Number(seg) : seg);
  }
  return out;
}

function typeList(types: string[]): string {
  const names = [...new Set(types)].filter((t) => t !== "null").map((t) => TYPE_NAMES[t] ?? t);
  if (names.length <= 1) return names[0] ?? "empty";
  return `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

function knownKeys(e: ErrorObject): string[] {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function isAtOrBelow(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Messages for patterns whose regex would mean nothing to a user. */
function patternMessage(path: KeyPath, value: unknown): string {
  if (path[0] === "environment") return `must be in the NAME=value format, got ${JSON.stringify(value)}`;
  if (path[0] === "weights" && path[path.length - 1] === "name") {
    return `must contain only lowercase letters, digits, and single '-', '.' or '_' between them (e.g. "my-model-weights"), got ${JSON.stringify(value)}`;
  }
  return `has an invalid format: ${JSON.stringify(value)}`;
}

/**
 * Turns ajv errors on cog.yaml into one problem per real mistake, each at the
 * position of the offending key or value. Branch noise from `anyOf` is folded:
 * when a value has the type of one branch, only that branch's errors count.
 */
export function schemaProblems(src: YamlSource, errors: readonly ErrorObject[], buildKeys: readonly string[]): Problem[] {
  const relevant = errors.filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf");
  const problems: Problem[] = [];
  const typeErrors = new Map<string, ErrorObject[]>();

  for (const e of relevant) {
    if (e.keyword === "type") {
      const list = typeErrors.get(e.instancePath) ?? [];
      list.push(e);
      typeErrors.set(e.instancePath, list);
    }
  }

  for (const [pointer, list] of typeErrors) {
    // Another branch accepted the type and failed deeper: that error is the real one.
    const deeper = relevant.some((e) => (e.keyword !== "type" || e.instancePath !== pointer) && isAtOrBelow(e.instancePath, pointer));
    if (deeper) continue;
    const path = pointerToPath(src.value, pointer);
    const expected = list.flatMap((e) => {
      const t = (e.params as { type: string | string[] }).type;
      return Array.isArray(t) ? t : [t];
    });
    problems.push({ ...src.locate(path), message: `must be ${typeList(expected)}, not ${describeValue(valueAt(src.value, path))}` });
  }

  for (const e of relevant) {
    const path = pointerToPath(src.value, e.instancePath);
    const value = valueAt(src.value, path);
    switch (e.keyword) {
      case "type":
        break;
      case "additionalProperties": {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const keyPath = [...path, key];
        let hint = "";
        if (path.length === 0 && buildKeys.includes(key)) hint = ` ("${key}" belongs under "build")`;
        else {
          const near = closest(key, knownKeys(e));
          if (near !== undefined) hint = ` (did you mean "${near}"?)`;
        }
        problems.push({ ...src.locateKey(keyPath), message: `unknown key "${key}"${hint}` });
        break;
      }
      case "required": {
        const key = (e.params as { missingProperty: string }).missingProperty;
        problems.push({ ...src.locate(path), message: `missing required key "${key}"` });
        break;
      }
      case "enum": {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ");
        problems.push({ ...src.locate(path), message: `must be one of ${allowed}, not ${JSON.stringify(value)}` });
        break;
      }
      case "pattern":
        problems.push({ ...src.locate(path), message: patternMessage(path, value) });
        break;
      case "minimum":
        problems.push({ ...src.locate(path), message: `must be at least ${(e.params as { limit: number }).limit}, not ${JSON.stringify(value)}` });
        break;
      case "minItems":
        problems.push({ ...src.locate(path), message: "must not be an empty list" });
        break;
      default:
        problems.push({ ...src.locate(path), message: e.message ?? `fails the "${e.keyword}" rule` });
    }
  }

  return dedupe(problems);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.line}:${p.column}:${(p.path ?? []).join(".")}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
