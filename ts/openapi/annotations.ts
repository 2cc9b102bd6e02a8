import type { Node } from "web-tree-sitter";
import { SchemaFault, unsupportedType } from "./errors.ts";
import type { TypeAnnotation } from "./types.ts";

/** Reads a type annotation node (`str`, `list[Path]`, `X | None`, `"Foo"`, …). */
export function parseAnnotation(node: Node): TypeAnnotation {
  const n = node.type === "type" && node.namedChildCount > 0 ? (node.namedChildren[0] ?? node) : node;
  switch (n.type) {
    case "identifier":
    case "attribute":
      return { kind: "simple", name: n.text.replace(/\s+/g, "") };
    case "none":
      return { kind: "simple", name: "None" };
    case "subscript": {
      const value = n.childForFieldName("value");
      if (value === null) throw new SchemaFault("parse", "subscript has no value");
      const args = n.childrenForFieldName("subscript").filter((c) => c !== null).map(parseAnnotation);
      return generic(value.text.replace(/\s+/g, ""), args);
    }
    case "generic_type": {
      const [outer, params] = n.namedChildren;
      if (outer === undefined) throw new SchemaFault("parse", "generic type has no name");
      const args = params?.type === "type_parameter" ? params.namedChildren.map(parseAnnotation) : [];
      return generic(outer.text.replace(/\s+/g, ""), args);
    }
    case "binary_operator": {
      const left = n.childForFieldName("left");
      const right = n.childForFieldName("right");
      if (left === null || right === null) throw new SchemaFault("parse", "binary operator missing operand");
      if (n.childForFieldName("operator")?.text !== "|") {
        throw unsupportedType("non-union binary operator in type annotation");
      }
      return union([parseAnnotation(left), parseAnnotation(right)]);
    }
    case "union_type":
      return union(n.namedChildren.map(parseAnnotation));
    case "string":
    case "concatenated_string": {
      const inner = n.text.replace(/^["']+/, "").replace(/["']+$/, "");
      const ann = parseTypeString(inner);
      if (ann === undefined) throw unsupportedType(`string annotation: ${n.text}`);
      return ann;
    }
    default: {
      const ann = parseTypeString(n.text);
      if (ann === undefined) throw unsupportedType(`${n.type}: ${n.text}`);
      return ann;
    }
  }
}

function generic(name: string, args: TypeAnnotation[]): TypeAnnotation {
  return args.length === 0 ? { kind: "simple", name } : { kind: "generic", name, args };
}

/** A union with nested unions flattened (`A | B | C`). */
function union(members: TypeAnnotation[]): TypeAnnotation {
  return { kind: "union", args: members.flatMap((m) => (m.kind === "union" ? m.args : [m])) };
}

/** Reads an annotation written as text (forward references, bare class annotations). */
export function parseTypeString(raw: string): TypeAnnotation | undefined {
  const s = raw.trim();
  if (s === "") return undefined;
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) {
    return parseTypeString(s.slice(1, -1));
  }
  const pipes = splitTopLevel(s, "|");
  if (pipes.length > 1) {
    const members = pipes.map(parseTypeString);
    if (members.some((m) => m === undefined)) return undefined;
    return { kind: "union", args: members as TypeAnnotation[] };
  }
  const bracket = s.indexOf("[");
  if (bracket >= 0 && s.endsWith("]")) {
    const args = splitTopLevel(s.slice(bracket + 1, -1), ",").map(parseTypeString);
    if (args.some((a) => a === undefined)) return undefined;
    return { kind: "generic", name: s.slice(0, bracket).trim(), args: args as TypeAnnotation[] };
  }
  return /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(s) ? { kind: "simple", name: s } : undefined;
}

function splitTopLevel(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === sep && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}
