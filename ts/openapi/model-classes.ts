import type { Node } from "web-tree-sitter";
import { parseAnnotation, parseTypeString } from "./annotations.ts";
import { SchemaFault } from "./errors.ts";
import { isBaseModelName, isTypedDictName, isTypedDictQualifier } from "./imports.ts";
import { parseLiteral } from "./literals.ts";
import { unwrapClass, unwrapStatement } from "./parser.ts";
import type { Imports, ModelClasses, ModelField, TypeAnnotation } from "./types.ts";

/**
 * The BaseModel and TypedDict classes defined at the top level of a module,
 * with their annotated fields. `known` holds models resolved so far (imported
 * TypedDict parents); `typedDicts` collects the names of TypedDict classes.
 */
export function collectModelClasses(root: Node, imports: Imports, typedDicts: Set<string>, known?: ModelClasses): ModelClasses {
  const models: ModelClasses = new Map();
  for (const child of root.namedChildren) {
    const cls = unwrapClass(child);
    const name = cls?.childForFieldName("name")?.text;
    if (cls === null || name === undefined) continue;
    const isBaseModel = inheritsFromBaseModel(cls, imports);
    const td = typedDictInfo(cls, imports, typedDicts);
    if (!isBaseModel && !td.isTypedDict) continue;
    let fields = classFields(cls, imports, td.isTypedDict, td.total);
    if (td.isTypedDict) {
      const parents = td.parents.map((p) => models.get(p) ?? known?.get(p)).filter((f) => f !== undefined);
      fields = mergeFields([...parents, fields]);
      typedDicts.add(name);
    }
    models.set(name, fields);
  }
  return models;
}

function mergeFields(groups: ModelField[][]): ModelField[] {
  const merged = new Map<string, ModelField>();
  for (const group of groups) for (const f of group) merged.set(f.name, f);
  return [...merged.values()];
}

function inheritsFromBaseModel(cls: Node, imports: Imports): boolean {
  const supers = cls.childForFieldName("superclasses");
  if (supers === null) return false;
  return supers.namedChildren.some(
    (c) =>
      (c.type === "identifier" && (c.text === "BaseModel" || isBaseModelName(imports, c.text))) ||
      (c.type === "attribute" && c.text.endsWith(".BaseModel")),
  );
}

function typedDictInfo(cls: Node, imports: Imports, typedDicts: ReadonlySet<string>): { isTypedDict: boolean; total: boolean; parents: string[] } {
  const out = { isTypedDict: false, total: true, parents: [] as string[] };
  const supers = cls.childForFieldName("superclasses");
  if (supers === null) return out;
  for (const c of supers.namedChildren) {
    if (c.type === "identifier") {
      if (c.text === "TypedDict" || isTypedDictName(imports, c.text)) out.isTypedDict = true;
      else if (typedDicts.has(c.text)) {
        out.isTypedDict = true;
        out.parents.push(c.text);
      }
    } else if (c.type === "attribute") {
      if (c.text.endsWith(".TypedDict")) out.isTypedDict = true;
      else if (typedDicts.has(c.text)) {
        out.isTypedDict = true;
        out.parents.push(c.text);
      }
    } else if (c.type === "keyword_argument") {
      if (c.childForFieldName("name")?.text === "total" && c.childForFieldName("value")?.text.trim() === "False") out.total = false;
    }
  }
  return out;
}

function classFields(cls: Node, imports: Imports, isTypedDict: boolean, total: boolean): ModelField[] {
  const body = cls.childForFieldName("body");
  if (body === null) return [];
  const fields: ModelField[] = [];
  for (const stmt of body.namedChildren) {
    const node = unwrapStatement(stmt);
    let field: ModelField | undefined;
    if (node.type === "assignment") field = annotatedAssignment(node);
    else if (node.type === "type") field = bareAnnotation(node);
    if (field === undefined) continue;
    fields.push(isTypedDict ? typedDictField(field, imports, total) : field);
  }
  return fields;
}

function annotatedAssignment(node: Node): ModelField | undefined {
  const left = node.childForFieldName("left");
  const typeNode = node.childForFieldName("type");
  if (left === null || typeNode === null || left.type !== "identifier") return undefined;
  let type: TypeAnnotation;
  try {
    type = parseAnnotation(typeNode);
  } catch (e) {
    if (e instanceof SchemaFault) return undefined;
    throw e;
  }
  const right = node.childForFieldName("right");
  const def = right === null ? undefined : parseLiteral(right);
  return def === undefined ? { name: left.text, type } : { name: left.text, type, default: def };
}

function bareAnnotation(node: Node): ModelField | undefined {
  const colon = node.text.indexOf(":");
  if (colon < 0) return undefined;
  const name = node.text.slice(0, colon).trim();
  const type = parseTypeString(node.text.slice(colon + 1));
  if (!/^[A-Za-z_]/.test(name) || type === undefined) return undefined;
  return { name, type };
}

/** Required[...]/NotRequired[...] and `total=` decide whether a TypedDict key is required. */
function typedDictField(field: ModelField, imports: Imports, total: boolean): ModelField {
  const t = field.type;
  const inner = t.kind === "generic" && t.args.length === 1 ? t.args[0] : undefined;
  if (t.kind !== "generic" || inner === undefined) return { ...field, keyRequired: total };
  const qualifier =
    t.name === "NotRequired" || t.name.endsWith(".NotRequired")
      ? "NotRequired"
      : t.name === "Required" || t.name.endsWith(".Required")
        ? "Required"
        : isTypedDictQualifier(imports, t.name);
  if (qualifier === undefined) return { ...field, keyRequired: total };
  return { ...field, type: inner, keyRequired: qualifier === "Required" };
}
