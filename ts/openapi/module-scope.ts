import type { Node } from "web-tree-sitter";
import { parseItems, parseLiteral, parseStringLiteral } from "./literals.ts";
import { unwrapStatement } from "./parser.ts";
import type { Literal } from "./types.ts";

/** Module-level constants (`NAME = literal`) that defaults, descriptions and choices may refer to. */
export type ModuleScope = Map<string, Literal>;

export function collectModuleScope(root: Node): ModuleScope {
  const scope: ModuleScope = new Map();
  for (const child of root.namedChildren) {
    const assign = unwrapStatement(child);
    if (assign.type !== "assignment") continue;
    const left = assign.childForFieldName("left");
    const right = assign.childForFieldName("right");
    if (left?.type !== "identifier" || right === null) continue;
    const value = parseLiteral(right);
    if (value !== undefined) scope.set(left.text, value);
  }
  return scope;
}

/** A string literal, or a module-level string constant. */
export function resolveString(node: Node, scope: ModuleScope): string | undefined {
  const s = parseStringLiteral(node);
  if (s !== undefined) return s;
  const value = node.type === "identifier" ? scope.get(node.text) : undefined;
  return value?.kind === "str" ? value.value : undefined;
}

/** A literal, or a module-level constant. */
export function resolveDefault(node: Node, scope: ModuleScope): Literal | undefined {
  return parseLiteral(node) ?? (node.type === "identifier" ? scope.get(node.text) : undefined);
}

/**
 * The values of `choices=`: a literal list, a module-level list, `list(D.keys())`,
 * `list(D.values())` of a module-level dict, or `+` of those.
 */
export function resolveChoices(node: Node, scope: ModuleScope): Literal[] | undefined {
  switch (node.type) {
    case "list":
      return parseItems(node);
    case "identifier": {
      const value = scope.get(node.text);
      return value?.kind === "list" ? value.items : undefined;
    }
    case "call":
      return resolveListOfDictView(node, scope);
    case "binary_operator": {
      if (node.childForFieldName("operator")?.text !== "+") return undefined;
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      const l = left ? resolveChoices(left, scope) : undefined;
      const r = right ? resolveChoices(right, scope) : undefined;
      return l === undefined || r === undefined ? undefined : [...l, ...r];
    }
    default:
      return undefined;
  }
}

function resolveListOfDictView(node: Node, scope: ModuleScope): Literal[] | undefined {
  if (node.childForFieldName("function")?.text !== "list") return undefined;
  const arg = node.childForFieldName("arguments")?.namedChildren[0];
  if (arg?.type !== "call") return undefined;
  const fn = arg.childForFieldName("function");
  const object = fn?.type === "attribute" ? fn.childForFieldName("object") : null;
  const method = fn?.childForFieldName("attribute")?.text;
  if (object?.type !== "identifier") return undefined;
  const dict = scope.get(object.text);
  if (dict?.kind !== "dict") return undefined;
  if (method === "keys") return dict.keys;
  if (method === "values") return dict.values;
  return undefined;
}
