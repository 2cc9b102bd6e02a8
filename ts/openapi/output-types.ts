import {
  SchemaFault,
  concatenateIteratorNotStr,
  optionalOutput,
  unresolvableImportedType,
  unresolvableType,
  unsupportedType,
} from "./errors.ts";
import { containerName, isAnnotated, resolveQualifiedName } from "./imports.ts";
import { unwrapOpaque, unwrapOptional, unwrapOptionalAliased } from "./opaque.ts";
import { primitiveFromName } from "./primitives.ts";
import type { Imports, ModelClasses, ModelField, SchemaField, SchemaType, TypeAnnotation } from "./types.ts";

/** The output type a return annotation denotes, or a fault saying why it cannot be an output. */
export function resolveOutputType(ann: TypeAnnotation, imports: Imports, models: ModelClasses): SchemaType {
  return resolve(ann, imports, models, new Set());
}

function resolve(ann: TypeAnnotation, imports: Imports, models: ModelClasses, seen: Set<string>): SchemaType {
  const opaque = unwrapOpaque(ann, imports);
  if (opaque !== undefined) {
    if (unwrapOptionalAliased(opaque, imports) !== undefined) throw optionalOutput();
    return opaqueSchemaType(opaque, imports);
  }
  if (ann.kind === "generic" && isAnnotated(imports, ann.name)) {
    const [inner] = ann.args;
    if (inner === undefined) throw unsupportedType("Annotated expects at least 1 type argument");
    return resolve(inner, imports, models, seen);
  }
  switch (ann.kind) {
    case "simple":
      return resolveSimple(ann.name, imports, models, seen);
    case "generic":
      return resolveGeneric(ann, imports, models, seen);
    case "union":
      throw unionFault(ann);
  }
}

function unionFault(ann: TypeAnnotation): SchemaFault {
  return unwrapOptional(ann) !== undefined ? optionalOutput() : unsupportedType("union types are not supported as output");
}

function opaqueSchemaType(inner: TypeAnnotation, imports: Imports): SchemaType {
  const outer = inner.kind === "union" ? undefined : containerName(imports, inner.name);
  const isList = outer === "list" || outer === "List";
  if (isList && (inner.kind === "simple" || (inner.kind === "generic" && inner.args.length === 1))) {
    return { kind: "array", items: { kind: "primitive", primitive: "Any" } };
  }
  return { kind: "primitive", primitive: "Any" };
}

function resolveSimple(raw: string, imports: Imports, models: ModelClasses, seen: Set<string>): SchemaType {
  const local = models.get(raw);
  if (local !== undefined) return resolveModel(raw, local, imports, models, seen);
  let name = raw;
  const q = resolveQualifiedName(imports, raw);
  if (q !== undefined) {
    name = q.name;
    if (q.entry !== undefined) {
      const key = `${q.entry.original}.${name}`;
      const fields = models.get(key);
      if (fields !== undefined) return resolveModel(key, fields, imports, models, seen);
    }
  }
  if (name === "Any" || name === "dict" || name === "Dict") return { kind: "any" };
  const outer = containerName(imports, raw);
  if (outer === "list" || outer === "List") return { kind: "array", items: { kind: "any" } };
  const primitive = primitiveFromName(name);
  if (primitive === undefined) {
    if (q?.entry !== undefined && q.entry.module !== "") throw unresolvableImportedType(name, q.entry.module);
    const entry = imports.get(name);
    if (entry !== undefined) throw unresolvableImportedType(name, entry.module);
    throw unresolvableType(name);
  }
  return { kind: "primitive", primitive };
}

function resolveModel(name: string, fields: ModelField[], imports: Imports, models: ModelClasses, seen: Set<string>): SchemaType {
  // A model that contains itself becomes an opaque object where it recurs.
  if (seen.has(name)) return { kind: "any" };
  seen.add(name);
  try {
    const out = new Map<string, SchemaField>();
    for (const f of fields) {
      let resolved: { type: SchemaType; required: boolean };
      try {
        resolved = resolveField(f.type, imports, models, seen);
      } catch (e) {
        if (e instanceof SchemaFault) throw new SchemaFault(e.kind, `field "${f.name}": ${e.message}`);
        throw e;
      }
      let required = f.keyRequired ?? resolved.required;
      if (f.default !== undefined) required = false;
      out.set(f.name, f.default === undefined ? { type: resolved.type, required } : { type: resolved.type, default: f.default, required });
    }
    return { kind: "object", fields: out };
  } finally {
    seen.delete(name);
  }
}

/** A model field's type: like an output type, but Optional is allowed (nullable, not required). */
function resolveField(ann: TypeAnnotation, imports: Imports, models: ModelClasses, seen: Set<string>): { type: SchemaType; required: boolean } {
  const opaque = unwrapOpaque(ann, imports);
  if (opaque !== undefined) {
    const optional = unwrapOptionalAliased(opaque, imports);
    if (optional !== undefined) return { type: { ...opaqueSchemaType(optional, imports), nullable: true }, required: false };
    return { type: opaqueSchemaType(opaque, imports), required: true };
  }
  if (ann.kind === "generic" && isAnnotated(imports, ann.name)) {
    const [inner] = ann.args;
    if (inner === undefined) throw unsupportedType("Annotated expects at least 1 type argument");
    return resolveField(inner, imports, models, seen);
  }
  const optional = unwrapOptionalAliased(ann, imports);
  if (optional !== undefined) return { type: { ...resolve(optional, imports, models, seen), nullable: true }, required: false };
  return { type: resolve(ann, imports, models, seen), required: true };
}

function resolveGeneric(
  ann: Extract<TypeAnnotation, { kind: "generic" }>,
  imports: Imports,
  models: ModelClasses,
  seen: Set<string>,
): SchemaType {
  const outer = resolveQualifiedName(imports, ann.name)?.name ?? ann.name;
  const args = ann.args;
  const [first] = args;
  if (outer === "dict" || outer === "Dict") {
    const value = args[1];
    if (args.length === 2 && value !== undefined) {
      try {
        return { kind: "dict", value: resolve(value, imports, models, seen) };
      } catch (e) {
        if (e instanceof SchemaFault) throw new SchemaFault(e.kind, `resolving dict value type: ${e.message}`);
        throw e;
      }
    }
    throw unsupportedType("dict expects 0 or 2 type arguments");
  }
  if (outer === "Optional") {
    if (args.length !== 1) throw unsupportedType("Optional expects exactly 1 type argument");
    throw optionalOutput();
  }
  if (outer === "Union") throw unionFault({ kind: "union", args });
  const list = containerName(imports, ann.name);
  if (list === "List" || list === "list") {
    if (args.length !== 1 || first === undefined) throw unsupportedType("list expects exactly 1 type argument");
    return { kind: "array", items: resolve(first, imports, models, seen) };
  }
  if (outer === "Iterator" || outer === "AsyncIterator") {
    if (args.length !== 1 || first === undefined) throw unsupportedType("Iterator expects exactly 1 type argument");
    return { kind: "iterator", elem: resolve(first, imports, models, seen) };
  }
  if (outer === "ConcatenateIterator" || outer === "AsyncConcatenateIterator") {
    if (args.length !== 1 || first === undefined) throw unsupportedType("ConcatenateIterator expects exactly 1 type argument");
    if (first.kind !== "simple") throw unsupportedType("ConcatenateIterator element type must be a simple type");
    if (first.name !== "str") throw concatenateIteratorNotStr(first.name);
    return { kind: "concatenate-iterator" };
  }
  throw unsupportedType(`${outer}[...] is not a supported output type`);
}
