import type { Node } from "web-tree-sitter";
import type { JsonValue, Literal } from "./types.ts";

/**
 * Evaluates a literal expression (None, bools, numbers, strings, lists,
 * tuples, sets, dicts) without running Python; undefined when the
 * expression is anything else.
 */
export function parseLiteral(node: Node): Literal | undefined {
  switch (node.type) {
    case "none":
      return { kind: "none" };
    case "true":
      return { kind: "bool", value: true };
    case "false":
      return { kind: "bool", value: false };
    case "integer":
    case "float":
    case "unary_operator":
      return parseNumber(node);
    case "string":
    case "concatenated_string": {
      const value = parseStringLiteral(node);
      return value === undefined ? undefined : { kind: "str", value };
    }
    case "list":
    case "set": {
      const items = parseItems(node);
      return items === undefined ? undefined : { kind: node.type, items };
    }
    case "tuple":
      // Like Cog, a tuple becomes a list of the items that are literals.
      return { kind: "list", items: node.namedChildren.map(parseLiteral).filter((l) => l !== undefined) };
    case "parenthesized_expression": {
      const inner = node.namedChildren[0];
      return inner === undefined ? undefined : parseLiteral(inner);
    }
    case "dictionary": {
      const keys: Literal[] = [];
      const values: Literal[] = [];
      for (const pair of node.namedChildren) {
        if (pair.type !== "pair") continue;
        const k = pair.childForFieldName("key");
        const v = pair.childForFieldName("value");
        const key = k ? parseLiteral(k) : undefined;
        const value = v ? parseLiteral(v) : undefined;
        if (key !== undefined && value !== undefined) {
          keys.push(key);
          values.push(value);
        }
      }
      return { kind: "dict", keys, values };
    }
    default:
      return undefined;
  }
}

/** The items of a list literal; undefined unless every item is a literal. */
export function parseItems(node: Node): Literal[] | undefined {
  const items: Literal[] = [];
  for (const child of node.namedChildren) {
    const item = parseLiteral(child);
    if (item === undefined) return undefined;
    items.push(item);
  }
  return items;
}

/** An int or float literal, possibly signed. */
export function parseNumber(node: Node): Literal | undefined {
  if (node.type === "unary_operator") {
    const op = node.childForFieldName("operator")?.text ?? node.text.trim()[0];
    const arg = node.childForFieldName("argument");
    if (arg === null || (op !== "-" && op !== "+")) return undefined;
    const inner = parseNumber(arg);
    if (inner === undefined || (inner.kind !== "int" && inner.kind !== "float")) return undefined;
    return op === "-" ? { kind: inner.kind, value: -inner.value } : inner;
  }
  const text = node.text.replaceAll("_", "");
  if (node.type === "integer") {
    if (/[jJlL]$/.test(text)) return undefined;
    const m = /^0([xob])(.+)$/i.exec(text);
    const value = m ? parseInt(m[2] ?? "", { x: 16, o: 8, b: 2 }[(m[1] ?? "").toLowerCase() as "x" | "o" | "b"]) : Number(text);
    return Number.isFinite(value) ? { kind: "int", value } : undefined;
  }
  if (node.type === "float") {
    if (/[jJ]$/.test(text)) return undefined;
    const value = Number(text);
    return Number.isFinite(value) ? { kind: "float", value } : undefined;
  }
  return undefined;
}

/** The numeric value of a literal number expression (for ge/le/min_length/max_length). */
export function parseNumberValue(node: Node): number | undefined {
  const lit = parseNumber(node);
  return lit !== undefined && (lit.kind === "int" || lit.kind === "float") ? lit.value : undefined;
}

/** `True`/`False`. */
export function parseBool(node: Node): boolean | undefined {
  if (node.type === "true") return true;
  if (node.type === "false") return false;
  return undefined;
}

/**
 * The value of a str literal (plain, raw or unicode prefix; implicit
 * concatenation), with Python's escape sequences decoded. f-strings and
 * bytes are not static strings.
 */
export function parseStringLiteral(node: Node): string | undefined {
  if (node.type === "concatenated_string") {
    let out = "";
    for (const part of node.namedChildren) {
      const s = parseStringLiteral(part);
      if (s === undefined) return undefined;
      out += s;
    }
    return out;
  }
  if (node.type !== "string") return undefined;
  const m = /^([a-zA-Z]*)('''|"""|'|")([\s\S]*)\2$/.exec(node.text);
  if (!m) return undefined;
  const prefix = (m[1] ?? "").toLowerCase();
  if (prefix.includes("f") || prefix.includes("b") || prefix.includes("t")) return undefined;
  const body = m[3] ?? "";
  return prefix.includes("r") ? body : decodeEscapes(body);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\n": "",
};

function decodeEscapes(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|N\{[^}]*\}|[\s\S])/g, (all, esc: string) => {
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) return simple;
    if (/^[xuU]/.test(esc)) return String.fromCodePoint(parseInt(esc.slice(1), 16));
    if (/^[0-7]/.test(esc)) return String.fromCodePoint(parseInt(esc, 8));
    return all; // \N{...} and unknown escapes stay as written
  });
}

/** The JSON form of a literal, as Cog writes defaults and choices. */
export function literalToJson(lit: Literal): JsonValue {
  switch (lit.kind) {
    case "none":
      return null;
    case "bool":
    case "int":
    case "float":
    case "str":
      return lit.value;
    case "list":
    case "set":
      return lit.items.map(literalToJson);
    case "dict": {
      const out: { [key: string]: JsonValue } = {};
      lit.keys.forEach((key, i) => {
        const value = lit.values[i];
        if (value === undefined) return;
        out[key.kind === "str" ? key.value : String(literalToJson(key))] = literalToJson(value);
      });
      return out;
    }
  }
}
