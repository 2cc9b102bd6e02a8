import { unresolvableImportedType, unsupportedType } from "./errors.ts";
import { isAnnotated, resolveQualifiedName } from "./imports.ts";
import { opaqueFieldType, unwrapOpaque } from "./opaque.ts";
import { primitiveFromName } from "./primitives.ts";
import type { FieldType, Imports, InputType, Primitive, TypeAnnotation } from "./types.ts";

const NESTED = "nested generics like List[Optional[X]] are not supported";

/** The input type a parameter annotation denotes, or a fault saying why it is not an input type. */
export function resolveInputType(ann: TypeAnnotation, imports: Imports, typedDicts: ReadonlySet<string>): InputType {
  const opaque = unwrapOpaque(ann, imports);
  if (opaque !== undefined) return inputTypeFromFieldType(opaqueFieldType(opaque, imports));

  switch (ann.kind) {
    case "simple": {
      let name = ann.name;
      if (typedDicts.has(name)) return anyType();
      let module: string | undefined;
      const q = resolveQualifiedName(imports, name);
      if (q !== undefined) {
        name = q.name;
        module = q.entry?.module;
        if (q.entry !== undefined && typedDicts.has(`${q.entry.original}.${name}`)) return anyType();
      }
      if (typedDicts.has(name) || name === "dict" || name === "Dict") return anyType();
      const primitive = primitiveFromName(name);
      if (primitive === undefined) {
        if (module !== undefined && module !== "") throw unresolvableImportedType(name, module);
        const entry = imports.get(name);
        if (entry !== undefined) throw unresolvableImportedType(name, entry.module);
        throw unsupportedType(name);
      }
      return primitiveType(primitive);
    }
    case "generic": {
      const outer = resolveQualifiedName(imports, ann.name)?.name ?? ann.name;
      if (outer === "dict" || outer === "Dict") return anyType();
      if (outer === "Optional") {
        const [inner] = ann.args;
        if (ann.args.length !== 1 || inner === undefined) {
          throw unsupportedType(`Optional expects exactly 1 type argument, got ${ann.args.length}`);
        }
        return { ...resolveInputType(inner, imports, typedDicts), nullable: true };
      }
      if (outer === "Union") return resolveUnion(ann.args, imports, typedDicts);
      if (isAnnotated(imports, ann.name)) {
        const [inner] = ann.args;
        if (inner === undefined) throw unsupportedType("Annotated expects at least 1 type argument");
        return resolveInputType(inner, imports, typedDicts);
      }
      if (outer === "List" || outer === "list") {
        const [arg] = ann.args;
        if (ann.args.length !== 1 || arg === undefined) {
          throw unsupportedType(`List expects exactly 1 type argument, got ${ann.args.length}`);
        }
        const opaqueInner = unwrapOpaque(arg, imports);
        const inner =
          opaqueInner !== undefined
            ? inputTypeFromFieldType(opaqueFieldType(opaqueInner, imports))
            : resolveInputType(arg, imports, typedDicts);
        if (inner.nullable || inner.kind === "array" || inner.kind === "union") throw unsupportedType(NESTED);
        return { kind: "array", elem: inner, nullable: false };
      }
      throw unsupportedType(`${outer}[...] is not a supported input type`);
    }
    case "union":
      return resolveUnion(ann.args, imports, typedDicts);
  }
}

function resolveUnion(args: TypeAnnotation[], imports: Imports, typedDicts: ReadonlySet<string>): InputType {
  const variants: InputType[] = [];
  let nullable = false;
  for (const arg of args) {
    if (arg.kind === "simple" && arg.name === "None") {
      nullable = true;
      continue;
    }
    if (arg.kind === "union" || (arg.kind === "generic" && arg.name === "Union")) {
      throw unsupportedType("nested union inputs are not supported");
    }
    const variant = resolveInputType(arg, imports, typedDicts);
    if (variant.kind === "union") throw unsupportedType("nested union inputs are not supported");
    variants.push(variant);
  }
  const [first] = variants;
  if (first === undefined) throw unsupportedType("union inputs must include at least one non-None type");
  if (variants.length === 1) return { ...first, nullable: first.nullable || nullable };
  variants.forEach(checkUnionVariant);
  return { kind: "union", variants, nullable };
}

function checkUnionVariant(t: InputType): void {
  if (t.nullable) throw unsupportedType("nested nullable variants are not supported in union inputs");
  if (t.kind === "primitive" && (t.primitive === "Path" || t.primitive === "File" || t.primitive === "Secret")) {
    throw unsupportedType(`${t.primitive} is not supported in union inputs`);
  }
  if (t.kind === "array") checkUnionVariant(t.elem);
}

const anyType = (): InputType => ({ kind: "any", nullable: false });

function primitiveType(primitive: Primitive): InputType {
  return primitive === "Any" ? anyType() : { kind: "primitive", primitive, nullable: false };
}

function inputTypeFromFieldType(ft: FieldType): InputType {
  let t = ft.primitive === "Any" ? anyType() : primitiveType(ft.primitive);
  if (ft.repetition === "repeated" || ft.repetition === "optional-repeated") t = { kind: "array", elem: t, nullable: false };
  if (ft.repetition === "optional" || ft.repetition === "optional-repeated") t = { ...t, nullable: true };
  return t;
}

/** The flat view of an input type that choices, defaults and `required` are decided on. */
export function fieldTypeFromInputType(t: InputType): FieldType {
  const repetition = t.nullable ? "optional" : "required";
  switch (t.kind) {
    case "primitive":
      return { primitive: t.primitive, repetition };
    case "array": {
      const arrayRepetition = t.nullable ? "optional-repeated" : "repeated";
      return { primitive: t.elem.kind === "primitive" ? t.elem.primitive : "Any", repetition: arrayRepetition };
    }
    default:
      return { primitive: "Any", repetition };
  }
}
