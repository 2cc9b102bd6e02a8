import type { Node } from "web-tree-sitter";
import { locate, methodNotFound, predictorNotFound } from "./errors.ts";
import { nestedModule } from "./module-path.ts";
import type { PythonFile, PythonFiles } from "./python-file.ts";
import { unwrapClass, unwrapFunction } from "./parser.ts";
import type { Mode } from "./types.ts";

/** The function a schema describes, and the file whose names it uses. */
export interface Target {
  fn: Node;
  file: PythonFile;
}

/**
 * Finds what `predict.py:Name` refers to: the class's `run()` (else its
 * legacy `predict()`, inherited ones included) in predict mode, its `train()`
 * in train mode, or a plain function.
 */
export function findTarget(files: PythonFiles, file: PythonFile, name: string, mode: Mode): Target {
  const cls = findClass(file, name);
  if (cls !== undefined) {
    if (mode === "predict") {
      const { run, predict } = predictMethods(files, file, cls, new Set());
      const found = run ?? predict;
      if (found === undefined) throw locate(file.path, cls, () => {
        throw methodNotFound(`${name} must define run() or predict()`);
      });
      return found;
    }
    const train = methodsOf(cls).get("train");
    if (train === undefined) throw locate(file.path, cls, () => {
      throw methodNotFound(`${name}.train not found`);
    });
    return { fn: train, file };
  }
  const method = mode === "train" ? "train" : "predict";
  const fn = findFunction(file, name) ?? (name !== method ? findFunction(file, method) : undefined);
  if (fn === undefined) {
    const fault = predictorNotFound(name);
    fault.file = file.path;
    throw fault;
  }
  return { fn, file };
}

function findClass(file: PythonFile, name: string): Node | undefined {
  for (const child of file.root.namedChildren) {
    const cls = unwrapClass(child);
    if (cls !== null && cls.childForFieldName("name")?.text === name) return cls;
  }
  return undefined;
}

function findFunction(file: PythonFile, name: string): Node | undefined {
  for (const child of file.root.namedChildren) {
    const fn = unwrapFunction(child);
    if (fn !== null && fn.childForFieldName("name")?.text === name) return fn;
  }
  return undefined;
}

function methodsOf(cls: Node): Map<string, Node> {
  const methods = new Map<string, Node>();
  for (const child of cls.childForFieldName("body")?.namedChildren ?? []) {
    const fn = unwrapFunction(child);
    const name = fn?.childForFieldName("name")?.text;
    if (fn !== null && name !== undefined) methods.set(name, fn);
  }
  return methods;
}

/** run() and predict() of a class, each from the class itself or else its nearest parent that has it. */
function predictMethods(files: PythonFiles, file: PythonFile, cls: Node, seen: Set<Node>): { run?: Target; predict?: Target } {
  if (seen.has(cls)) return {};
  seen.add(cls);
  const own = methodsOf(cls);
  const ownRun = own.get("run");
  const ownPredict = own.get("predict");
  let run: Target | undefined = ownRun === undefined ? undefined : { fn: ownRun, file };
  let predict: Target | undefined = ownPredict === undefined ? undefined : { fn: ownPredict, file };
  for (const parent of cls.childForFieldName("superclasses")?.namedChildren ?? []) {
    if (parent.type !== "identifier" && parent.type !== "attribute") continue;
    const found = findParentClass(files, file, parent.text);
    if (found === undefined) continue;
    const inherited = predictMethods(files, found.file, found.cls, seen);
    run ??= inherited.run;
    predict ??= inherited.predict;
  }
  return { ...(run && { run }), ...(predict && { predict }) };
}

function findParentClass(files: PythonFiles, file: PythonFile, parent: string): { file: PythonFile; cls: Node } | undefined {
  const local = findClass(file, parent);
  if (local !== undefined) return { file, cls: local };
  const dot = parent.indexOf(".");
  const entry = file.imports.get(dot >= 0 ? parent.slice(0, dot) : parent);
  if (entry === undefined) return undefined;
  const className = dot >= 0 ? parent.slice(dot + 1) : entry.original;
  const parentFile = files.loadModule(entry.module, file) ?? files.loadModule(nestedModule(entry.module, entry.original), file);
  const cls = parentFile === undefined ? undefined : findClass(parentFile, className);
  return parentFile === undefined || cls === undefined ? undefined : { file: parentFile, cls };
}

