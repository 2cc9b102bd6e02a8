import type { Node } from "web-tree-sitter";
import { parseAnnotation } from "./annotations.ts";
import { acceptOnNonFile, defaultNotResolvable, locate, missingTypeAnnotation, SchemaFault, unsupportedType } from "./errors.ts";
import { isInputCall, parseInputCall, resolveInputReference } from "./input-call.ts";
import { fieldTypeFromInputType, resolveInputType } from "./input-types.ts";
import { resolveDefault } from "./module-scope.ts";
import type { PythonFile } from "./python-file.ts";
import type { InputCallInfo, InputField } from "./types.ts";

/**
 * The inputs of the target function, in order: each annotated parameter
 * (after `self`), with what its default or `Input(...)` says.
 */
export function extractInputs(fn: Node, file: PythonFile, methodName: string): InputField[] {
  const params = fn.childForFieldName("parameters");
  if (params === null) throw new SchemaFault("parse", "function has no parameters node");
  const first = params.namedChildren.find((c) => c.type === "identifier");
  let skipSelf = first?.text === "self";
  const inputs = new Map<string, InputField>();
  for (const param of params.namedChildren) {
    if (param.type === "identifier" && skipSelf && param.text === "self") {
      skipSelf = false;
      continue;
    }
    let field: InputField | undefined;
    if (param.type === "typed_parameter" || param.type === "typed_default_parameter") {
      field = locate(file.path, param, () => parameter(param, inputs.size, file, methodName));
    } else if (param.type === "default_parameter") {
      const name = param.childForFieldName("name")?.text ?? "<unknown>";
      throw locate(file.path, param, () => {
        throw missingTypeAnnotation(methodName, name);
      });
    }
    if (field !== undefined) inputs.set(field.name, field);
  }
  return [...inputs.values()];
}

function parameter(param: Node, order: number, file: PythonFile, methodName: string): InputField {
  const name =
    param.type === "typed_parameter"
      ? param.namedChildren.find((c) => c.type === "identifier")?.text
      : param.childForFieldName("name")?.text;
  if (name === undefined) throw new SchemaFault("parse", "parameter has no name");
  const typeNode = param.childForFieldName("type");
  if (typeNode === null) throw missingTypeAnnotation(methodName, name);
  const inputType = locate(file.path, typeNode, () =>
    resolveInputType(parseAnnotation(typeNode), file.imports, file.typedDicts),
  );
  const field: InputField = { name, order, inputType, fieldType: fieldTypeFromInputType(inputType) };
  const value = param.type === "typed_default_parameter" ? param.childForFieldName("value") : null;
  if (value !== null) {
    const info = locate(file.path, value, () => {
      const found = defaultInfo(value, name, file);
      if (found.accept !== undefined && field.fieldType.primitive !== "Path" && field.fieldType.primitive !== "File") {
        throw acceptOnNonFile(name);
      }
      return found;
    });
    Object.assign(field, info);
  }
  if (field.inputType.kind === "union" && hasConstraints(field)) {
    throw unsupportedType("constraints and choices are not supported on union inputs");
  }
  return field;
}

/** What a parameter's default says: an Input() call, a registered Input, or a plain literal. */
function defaultInfo(value: Node, name: string, file: PythonFile): InputCallInfo {
  if (isInputCall(value, file.imports)) return parseInputCall(value, name, file.scope);
  const registered = resolveInputReference(value, file.registry);
  if (registered !== undefined) return registered;
  const literal = resolveDefault(value, file.scope);
  if (literal !== undefined) return { default: literal };
  throw defaultNotResolvable(name, value.text);
}

function hasConstraints(f: InputField): boolean {
  return (
    (f.choices !== undefined && f.choices.length > 0) ||
    [f.ge, f.le, f.minLength, f.maxLength, f.regex].some((v) => v !== undefined)
  );
}
