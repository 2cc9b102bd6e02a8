import type { Node } from "web-tree-sitter";
import { SchemaFault, choicesNotResolvable, defaultFactoryNotSupported } from "./errors.ts";
import { parseBool, parseItems, parseLiteral, parseNumberValue, parseStringLiteral } from "./literals.ts";
import { resolveChoices, resolveDefault, resolveString, type ModuleScope } from "./module-scope.ts";
import { unwrapClass, unwrapFunction, unwrapStatement } from "./parser.ts";
import type { Imports, InputCallInfo } from "./types.ts";

/** `Input(...)`, or cog's Input under another local name. */
export function isInputCall(node: Node, imports: Imports): boolean {
  if (node.type !== "call") return false;
  const name = node.childForFieldName("function")?.text;
  if (name === undefined) return false;
  if (name === "Input") return true;
  const e = imports.get(name);
  return e !== undefined && e.module === "cog" && e.original === "Input";
}

export function parseInputCall(call: Node, param: string, scope: ModuleScope): InputCallInfo {
  const info: InputCallInfo = {};
  for (const arg of call.childForFieldName("arguments")?.namedChildren ?? []) {
    if (arg.type !== "keyword_argument") continue;
    const key = arg.childForFieldName("name")?.text;
    const value = arg.childForFieldName("value");
    if (key === undefined || value === null) continue;
    switch (key) {
      case "default":
        // Like Cog, a default it cannot evaluate counts as None.
        info.default = resolveDefault(value, scope) ?? { kind: "none" };
        break;
      case "default_factory":
        throw defaultFactoryNotSupported(param);
      case "description":
        setIfDefined(info, "description", resolveString(value, scope));
        break;
      case "ge":
      case "le":
        setIfDefined(info, key, parseNumberValue(value));
        break;
      case "min_length":
      case "max_length": {
        const n = parseNumberValue(value);
        if (n !== undefined) info[key === "min_length" ? "minLength" : "maxLength"] = Math.max(0, Math.trunc(n));
        break;
      }
      case "regex":
        setIfDefined(info, "regex", parseStringLiteral(value));
        break;
      case "choices": {
        const choices = (value.type === "list" ? parseItems(value) : undefined) ?? resolveChoices(value, scope);
        if (choices === undefined) throw choicesNotResolvable(param);
        info.choices = choices;
        break;
      }
      case "deprecated":
        setIfDefined(info, "deprecated", parseBool(value));
        break;
      case "accept":
        setIfDefined(info, "accept", parseStringLiteral(value));
        break;
    }
  }
  return info;
}

function setIfDefined<K extends keyof InputCallInfo>(info: InputCallInfo, key: K, value: InputCallInfo[K] | undefined): void {
  if (value !== undefined) info[key] = value;
}

/**
 * `Input(...)` calls kept on a class and reused as defaults: class attributes
 * (`Inputs.prompt`) and methods that return one (`Inputs.seed(default=1)`).
 */
export interface InputRegistry {
  attributes: Map<string, InputCallInfo>;
  methods: Map<string, { params: string[]; base: InputCallInfo }>;
}

export function collectInputRegistry(root: Node, imports: Imports, scope: ModuleScope): InputRegistry {
  const registry: InputRegistry = { attributes: new Map(), methods: new Map() };
  for (const child of root.namedChildren) {
    const cls = unwrapClass(child);
    const className = cls?.childForFieldName("name")?.text;
    const body = cls?.childForFieldName("body");
    if (className === undefined || body == null) continue;
    for (const stmt of body.namedChildren) {
      const inner = unwrapStatement(stmt);
      if (inner.type === "assignment") {
        const left = inner.childForFieldName("left");
        const right = inner.childForFieldName("right");
        if (left?.type !== "identifier" || right === null || !isInputCall(right, imports)) continue;
        const key = `${className}.${left.text}`;
        const info = tryParse(right, key, scope);
        if (info !== undefined) registry.attributes.set(key, info);
      }
      const fn = unwrapFunction(inner);
      const methodName = fn?.childForFieldName("name")?.text;
      if (fn === null || methodName === undefined) continue;
      const ret = fn.childForFieldName("body")?.namedChildren.find(
        (s) => s.type === "return_statement" && s.namedChildren[0] !== undefined && isInputCall(s.namedChildren[0], imports),
      );
      const call = ret?.namedChildren[0];
      if (call === undefined) continue;
      const key = `${className}.${methodName}`;
      const info = tryParse(call, key, scope);
      if (info !== undefined) registry.methods.set(key, { params: parameterNames(fn), base: info });
    }
  }
  return registry;
}

function tryParse(call: Node, key: string, scope: ModuleScope): InputCallInfo | undefined {
  try {
    return parseInputCall(call, key, scope);
  } catch (e) {
    if (e instanceof SchemaFault) return undefined;
    throw e;
  }
}

function parameterNames(fn: Node): string[] {
  const names: string[] = [];
  for (const p of fn.childForFieldName("parameters")?.namedChildren ?? []) {
    let name: string | undefined;
    if (p.type === "identifier") name = p.text;
    else if (p.type === "typed_parameter") name = p.namedChildren.find((c) => c.type === "identifier")?.text;
    else if (p.type === "typed_default_parameter" || p.type === "default_parameter") name = p.childForFieldName("name")?.text;
    if (name !== undefined && name !== "self" && name !== "cls") names.push(name);
  }
  return names;
}

/** The Input() a default refers to through the registry, with call-site overrides. */
export function resolveInputReference(node: Node, registry: InputRegistry): InputCallInfo | undefined {
  if (node.type === "attribute") return registry.attributes.get(node.text);
  if (node.type !== "call") return undefined;
  const fn = node.childForFieldName("function");
  if (fn?.type !== "attribute") return undefined;
  const method = registry.methods.get(fn.text);
  if (method === undefined) return undefined;
  const resolved: InputCallInfo = { ...method.base };
  const values = new Map<string, Node>();
  let positional = 0;
  for (const arg of node.childForFieldName("arguments")?.namedChildren ?? []) {
    if (arg.type === "keyword_argument") {
      const name = arg.childForFieldName("name")?.text;
      const value = arg.childForFieldName("value");
      if (name !== undefined && value !== null) values.set(name, value);
    } else if (positional < method.params.length) {
      values.set(method.params[positional++] ?? "", arg);
    }
  }
  for (const [name, value] of values) {
    if (name === "default") setIfDefined(resolved, "default", parseLiteral(value));
    else if (name === "description") setIfDefined(resolved, "description", parseStringLiteral(value));
    else if (name === "ge" || name === "le") setIfDefined(resolved, name, parseNumberValue(value));
  }
  return resolved;
}
