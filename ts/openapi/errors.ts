import type { Node } from "web-tree-sitter";
import { CognixError, type Location, type Problem } from "../util/errors.ts";

/** The kinds of problem Cog's static schema generator reports. */
export type SchemaErrorKind =
  | "parse"
  | "invalid-ref"
  | "predictor-not-found"
  | "method-not-found"
  | "missing-return-type"
  | "missing-type-annotation"
  | "unsupported-type"
  | "default-factory"
  | "optional-output"
  | "concatenate-iterator-not-str"
  | "choices-not-resolvable"
  | "default-not-resolvable"
  | "unresolvable-type"
  | "accept-on-non-file";

/**
 * A problem found while reading the predictor. Thrown deep in type
 * resolution without a position; `locate` adds the file and the node it
 * belongs to on the way up, so the user sees `predict.py:12:5: …`.
 */
export class SchemaFault extends Error {
  readonly kind: SchemaErrorKind;
  file?: string;
  line?: number;
  column?: number;

  constructor(kind: SchemaErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** The error users get: a CognixError that also says which kind of problem it is. */
export class OpenApiSchemaError extends CognixError {
  readonly kind: SchemaErrorKind;

  constructor(kind: SchemaErrorKind, problem: Problem) {
    super(problem);
    this.kind = kind;
  }
}

/** Gives a fault without a position the position of `node` in `file`. */
export function locate<T>(file: string, node: Node, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof SchemaFault && e.line === undefined) {
      e.file = file;
      e.line = node.startPosition.row + 1;
      e.column = node.startPosition.column + 1;
    }
    throw e;
  }
}

/** The user-facing error; a fault with no position is reported at `fallback` (the cog.yaml key). */
export function toUserError(fault: SchemaFault, fallback: Location): OpenApiSchemaError {
  const problem: Problem =
    fault.file === undefined ? { ...fallback, message: fault.message } : { file: fault.file, message: fault.message };
  if (fault.line !== undefined) problem.line = fault.line;
  if (fault.column !== undefined) problem.column = fault.column;
  return new OpenApiSchemaError(fault.kind, problem);
}

// Messages follow the wording of Cog's static generator.

export const unsupportedType = (detail: string): SchemaFault =>
  new SchemaFault("unsupported-type", `unsupported type: ${detail}`);

/** An unsupported construct that is not a type (decorators): no "unsupported type:" prefix. */
export const plainUnsupported = (message: string): SchemaFault => new SchemaFault("unsupported-type", message);

export const optionalOutput = (): SchemaFault =>
  new SchemaFault("optional-output", "unsupported output type: Optional is not allowed as a return type");

export const concatenateIteratorNotStr = (got: string): SchemaFault =>
  new SchemaFault("concatenate-iterator-not-str", `ConcatenateIterator element type must be str, got ${got}`);

export const unresolvableImportedType = (name: string, module: string): SchemaFault =>
  new SchemaFault(
    "unresolvable-type",
    `cannot resolve type '${name}' (imported from '${module}') - external types cannot be statically analyzed. ` +
      "If this is a JSON-shaped third-party type, mark it opaque with `from typing import Annotated`, " +
      `\`from cog import Opaque\`, and \`field: Annotated[${name}, Opaque]\`. ` +
      "Otherwise define it as a BaseModel subclass in your predict file, or provide a .pyi stub",
  );

export const unresolvableType = (name: string): SchemaFault =>
  new SchemaFault(
    "unresolvable-type",
    `cannot resolve type '${name}' - it is not a primitive type (str, int, float, bool, Path) ` +
      "and no BaseModel definition was found in the predict file",
  );

export const choicesNotResolvable = (param: string): SchemaFault =>
  new SchemaFault(
    "choices-not-resolvable",
    `choices for parameter '${param}' cannot be statically resolved — use a literal list instead (e.g. choices=["a", "b"])`,
  );

export const defaultNotResolvable = (param: string, expr: string): SchemaFault =>
  new SchemaFault(
    "default-not-resolvable",
    `default value for parameter '${param}' cannot be statically resolved: \`${expr}\`. ` +
      "Defaults must be literals (string, int, float, bool, None, list) or Input() calls.",
  );

export const defaultFactoryNotSupported = (param: string): SchemaFault =>
  new SchemaFault(
    "default-factory",
    `default_factory is not supported in Input() — use a literal default value instead (parameter '${param}')`,
  );

export const missingTypeAnnotation = (method: string, param: string): SchemaFault =>
  new SchemaFault("missing-type-annotation", `parameter '${param}' on ${method} has no type annotation`);

export const missingReturnType = (method: string): SchemaFault =>
  new SchemaFault("missing-return-type", `missing return type annotation on ${method}`);

export const predictorNotFound = (name: string): SchemaFault =>
  new SchemaFault("predictor-not-found", `predictor not found: ${name}`);

export const methodNotFound = (message: string): SchemaFault => new SchemaFault("method-not-found", message);

export const acceptOnNonFile = (param: string): SchemaFault =>
  new SchemaFault("accept-on-non-file", `accept is only valid on Path or File inputs (parameter '${param}')`);

export const invalidRef = (ref: string): SchemaFault =>
  new SchemaFault(
    "invalid-ref",
    `invalid predict reference '${ref}' — expected format: file.py:ClassName or file.py:function_name`,
  );
