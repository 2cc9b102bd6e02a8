import type { Node } from "web-tree-sitter";
import type { ImportEntry, Imports } from "./types.ts";

const BUILTINS = ["str", "int", "float", "bool", "list", "dict", "set", "None"];

/** The names a module's top-level imports bind, plus the builtins type names. */
export function collectImports(root: Node): Imports {
  const imports: Imports = new Map();
  for (const child of root.namedChildren) {
    if (child.type === "import_from_statement") collectFromImport(child, imports);
    else if (child.type === "import_statement") collectImport(child, imports);
  }
  for (const name of BUILTINS) if (!imports.has(name)) imports.set(name, { module: "builtins", original: name });
  return imports;
}

function collectFromImport(node: Node, imports: Imports): void {
  const moduleNode = node.childForFieldName("module_name");
  if (moduleNode === null) return;
  const module = moduleNode.text.replace(/\s+/g, "");
  for (const name of node.childrenForFieldName("name")) {
    if (name === null) continue;
    if (name.type === "dotted_name") imports.set(name.text, { module, original: name.text });
    else if (name.type === "aliased_import") {
      const original = name.childForFieldName("name")?.text;
      const alias = name.childForFieldName("alias")?.text ?? original;
      if (original !== undefined && alias !== undefined) imports.set(alias, { module, original });
    }
  }
}

function collectImport(node: Node, imports: Imports): void {
  for (const name of node.childrenForFieldName("name")) {
    if (name === null) continue;
    if (name.type === "dotted_name") imports.set(name.text, { module: name.text, original: name.text });
    else if (name.type === "aliased_import") {
      const module = name.childForFieldName("name")?.text;
      const alias = name.childForFieldName("alias")?.text;
      if (module !== undefined && alias !== undefined) imports.set(alias, { module, original: module });
    }
  }
}

const isTypingModule = (module: string): boolean => module === "typing" || module === "typing_extensions";

/**
 * `alias.Name` → [Name, the import entry of alias]. An unknown alias still
 * unwraps (with no entry); a name without a dot is not qualified.
 */
export function resolveQualifiedName(imports: Imports, name: string): { name: string; entry?: ImportEntry } | undefined {
  const dot = name.indexOf(".");
  if (dot < 0) return undefined;
  const entry = imports.get(name.slice(0, dot));
  const rest = name.slice(dot + 1);
  return entry === undefined ? { name: rest } : { name: rest, entry };
}

export function isBaseModelName(imports: Imports, name: string): boolean {
  const e = imports.get(name);
  return e !== undefined && ["cog", "pydantic", "pydantic.v1"].includes(e.module) && e.original === "BaseModel";
}

export function isTypedDictName(imports: Imports, name: string): boolean {
  const e = imports.get(name);
  return e !== undefined && isTypingModule(e.module) && e.original === "TypedDict";
}

export function isTypedDictQualifier(imports: Imports, name: string): "Required" | "NotRequired" | undefined {
  const e = imports.get(name);
  if (e === undefined || !isTypingModule(e.module)) return undefined;
  return e.original === "Required" || e.original === "NotRequired" ? e.original : undefined;
}

/** `cog.Opaque` under any import spelling. */
export function isOpaque(imports: Imports, name: string): boolean {
  const q = resolveQualifiedName(imports, name);
  if (q !== undefined) return q.name === "Opaque" && q.entry?.module === "cog";
  const e = imports.get(name);
  return e !== undefined && e.module === "cog" && e.original === "Opaque";
}

/** `typing.Annotated` under any import spelling. */
export function isAnnotated(imports: Imports, name: string): boolean {
  const q = resolveQualifiedName(imports, name);
  if (q !== undefined) {
    const e = q.entry;
    return q.name === "Annotated" && e !== undefined && isTypingModule(e.module) && e.original === e.module;
  }
  const e = imports.get(name);
  return e !== undefined && isTypingModule(e.module) && e.original === "Annotated";
}

/**
 * The container a name denotes when it is `list` or typing's List/Optional/Union
 * (by any import spelling); undefined for anything else.
 */
export function containerName(imports: Imports, name: string): string | undefined {
  const q = resolveQualifiedName(imports, name);
  if (q !== undefined) {
    const e = q.entry;
    const ok = e !== undefined && isTypingModule(e.module) && e.original === e.module && isTypingContainer(q.name);
    return ok ? q.name : undefined;
  }
  const e = imports.get(name);
  if (e !== undefined) {
    if (e.module === "builtins" && e.original === "list") return "list";
    return isTypingModule(e.module) && isTypingContainer(e.original) ? e.original : undefined;
  }
  return name === "list" ? "list" : undefined;
}

const isTypingContainer = (name: string): boolean => name === "List" || name === "Optional" || name === "Union";

/** A decorator name that denotes `cog.<attr>` (as `cog.attr`, or imported from cog). */
export function isCogDecorator(imports: Imports, text: string, attr: string): boolean {
  const dot = text.indexOf(".");
  if (dot >= 0) {
    if (text.slice(dot + 1) !== attr) return false;
    const e = imports.get(text.slice(0, dot));
    return e !== undefined && e.module === "cog" && e.original === "cog";
  }
  const e = imports.get(text);
  return e !== undefined && e.module === "cog" && e.original === attr;
}
