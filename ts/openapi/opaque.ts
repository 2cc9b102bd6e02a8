import { containerName, isAnnotated, isOpaque } from "./imports.ts";
import type { FieldType, Imports, TypeAnnotation } from "./types.ts";

// `Annotated[T, Opaque]` marks a JSON-shaped type Cog cannot look into: it is
// an opaque JSON value, kept as a list or optional where T says so.

/** T when `ann` is `Annotated[T, …, Opaque, …]`. */
export function unwrapOpaque(ann: TypeAnnotation, imports: Imports): TypeAnnotation | undefined {
  if (ann.kind !== "generic" || !isAnnotated(imports, ann.name) || ann.args.length < 2) return undefined;
  const marked = ann.args.slice(1).some((m) => m.kind === "simple" && isOpaque(imports, m.name));
  return marked ? ann.args[0] : undefined;
}

/** X when `ann` is `Optional[X]`, `Union[X, None]` or `X | None`. */
export function unwrapOptional(ann: TypeAnnotation): TypeAnnotation | undefined {
  if (ann.kind === "generic" && ann.name === "Optional" && ann.args.length === 1) return ann.args[0];
  if (((ann.kind === "generic" && ann.name === "Union") || ann.kind === "union") && ann.args.length === 2) {
    const i = ann.args.findIndex((a) => a.kind === "simple" && a.name === "None");
    if (i >= 0) return ann.args[1 - i];
  }
  return undefined;
}

/** Like unwrapOptional, but also through typing aliases (`t.Optional[X]`). */
export function unwrapOptionalAliased(ann: TypeAnnotation, imports: Imports): TypeAnnotation | undefined {
  if (ann.kind === "generic") {
    const name = containerName(imports, ann.name);
    if (name !== undefined) {
      if (name === "Optional" && ann.args.length === 1) return ann.args[0];
      if (name === "Union" && ann.args.length === 2) {
        const i = ann.args.findIndex((a) => a.kind === "simple" && a.name === "None");
        if (i >= 0) return ann.args[1 - i];
      }
    }
  }
  return unwrapOptional(ann);
}

/** The flat type of an opaque annotation's inner type. */
export function opaqueFieldType(inner: TypeAnnotation, imports: Imports): FieldType {
  const unwrapped = unwrapOpaque(inner, imports);
  if (unwrapped !== undefined) return opaqueFieldType(unwrapped, imports);
  const any = (repetition: FieldType["repetition"]): FieldType => ({ primitive: "Any", repetition });
  const optionalOf = (t: FieldType): FieldType => any(t.repetition === "repeated" ? "optional-repeated" : "optional");

  if (inner.kind === "simple") {
    const name = containerName(imports, inner.name);
    if (name === "List" || name === "list") return any("repeated");
  }
  if (inner.kind === "generic") {
    const outer = containerName(imports, inner.name);
    const optional = unwrapOptionalAliased(inner, imports);
    if (optional !== undefined) return optionalOf(opaqueFieldType(optional, imports));
    if (outer === undefined) return any("required");
    if (outer === "List" || outer === "list") return any("repeated");
    if (outer === "Optional" && inner.args.length === 1 && inner.args[0] !== undefined) {
      return optionalOf(opaqueFieldType(inner.args[0], imports));
    }
  }
  if (inner.kind === "union") {
    const optional = unwrapOptional(inner);
    if (optional !== undefined) return optionalOf(opaqueFieldType(optional, imports));
  }
  return any("required");
}
