import type { Node } from "web-tree-sitter";
import { plainUnsupported } from "./errors.ts";
import { isCogDecorator } from "./imports.ts";
import { parseNumber } from "./literals.ts";
import type { Imports } from "./types.ts";

const MAX_CONCURRENCY = 2 ** 31 - 1;

function decorators(fn: Node): Node[] {
  const parent = fn.parent;
  return parent?.type === "decorated_definition" ? parent.namedChildren.filter((c) => c.type === "decorator") : [];
}

/** The decorator's callee: `cog.streaming` in `@cog.streaming` and `@cog.streaming()`. */
function callee(decorator: Node): { name: Node; call?: Node } | undefined {
  const expr = decorator.namedChildren[0];
  if (expr === undefined) return undefined;
  if (expr.type === "call") {
    const fn = expr.childForFieldName("function");
    return fn === null ? undefined : { name: fn, call: expr };
  }
  return { name: expr };
}

function isCog(name: Node, imports: Imports, attr: string): boolean {
  return (name.type === "identifier" || name.type === "attribute") && isCogDecorator(imports, name.text, attr);
}

/** `@cog.streaming` (or `@streaming` from cog) opts the prediction endpoint into streaming. */
export function isStreaming(fn: Node, imports: Imports): boolean {
  return decorators(fn).some((d) => {
    const c = callee(d);
    return c !== undefined && isCog(c.name, imports, "streaming");
  });
}

export function isAsync(fn: Node): boolean {
  return fn.children.some((c) => c.type === "async");
}

/**
 * `@cog.concurrent(max=N)`: N must be a literal integer ≥ 1, and above 1 the
 * function must be async. The schema does not carry it; the build bakes it
 * into the image (COG_MAX_CONCURRENCY). Undefined without the decorator;
 * `@cog.concurrent` alone means 1.
 */
export function concurrencyOf(fn: Node, imports: Imports): number | undefined {
  for (const d of decorators(fn)) {
    const c = callee(d);
    if (c === undefined || !isCog(c.name, imports, "concurrent")) continue;
    const args = c.call?.childForFieldName("arguments")?.namedChildren ?? [];
    if (args.length === 0) return 1;
    const [arg] = args;
    if (args.length !== 1 || arg?.type !== "keyword_argument" || arg.childForFieldName("name")?.text !== "max") {
      throw plainUnsupported("@concurrent only supports literal integer max=... arguments");
    }
    const value = arg.childForFieldName("value");
    const max = value === null ? undefined : parseNumber(value);
    if (max?.kind !== "int") throw plainUnsupported("@concurrent max must be an integer literal");
    if (max.value < 1) throw plainUnsupported("@concurrent max must be at least 1");
    // Cog's bound is Go's int; cognix.json and the image carry 32-bit integers.
    if (max.value > MAX_CONCURRENCY) throw plainUnsupported(`@concurrent max is too large (at most ${MAX_CONCURRENCY})`);
    if (max.value > 1 && !isAsync(fn)) throw plainUnsupported("@concurrent(max > 1) requires an async run() or predict() method");
    return max.value;
  }
  return undefined;
}
