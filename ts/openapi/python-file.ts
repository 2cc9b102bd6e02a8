import { posix } from "node:path";
import type { Node } from "web-tree-sitter";
import { collectImports } from "./imports.ts";
import { collectInputRegistry, type InputRegistry } from "./input-call.ts";
import { ModelImports } from "./model-imports.ts";
import { isKnownExternalModule, moduleToFilePath } from "./module-path.ts";
import { collectModuleScope, type ModuleScope } from "./module-scope.ts";
import { parsePythonSync } from "./parser.ts";
import type { SourceLog } from "./sources.ts";
import type { Imports, ModelClasses } from "./types.ts";

/** One parsed module of the model with what schema generation needs from it. */
export interface PythonFile {
  /** Relative to the model directory, with forward slashes (used in error locations). */
  path: string;
  root: Node;
  imports: Imports;
  scope: ModuleScope;
  registry: InputRegistry;
  models: ModelClasses;
  typedDicts: Set<string>;
}

/** Reads and parses model files once each. */
export class PythonFiles {
  private readonly files = new Map<string, PythonFile>();
  private readonly loading = new Set<string>();
  private readonly modelImports: ModelImports;

  constructor(private readonly sources: SourceLog) {
    this.modelImports = new ModelImports(sources);
  }

  /** The file at a model-relative path; undefined when it does not exist. */
  load(relPath: string): PythonFile | undefined {
    const path = posix.normalize(relPath);
    const cached = this.files.get(path);
    if (cached !== undefined) return cached;
    if (this.loading.has(path)) return undefined;
    const source = this.sources.text(path);
    if (source === undefined) return undefined;
    this.loading.add(path);
    try {
      const file = this.fromSource(path, source);
      this.files.set(path, file);
      return file;
    } finally {
      this.loading.delete(path);
    }
  }

  /** The module `module` names, imported from `from`; undefined for packages and missing files. */
  loadModule(module: string, from: PythonFile): PythonFile | undefined {
    if (isKnownExternalModule(module)) return undefined;
    const path = moduleToFilePath(module, from.path);
    return path === "" ? undefined : this.load(path);
  }

  private fromSource(path: string, source: string): PythonFile {
    const root = parsePythonSync(source).rootNode;
    const imports = collectImports(root);
    const scope = collectModuleScope(root);
    const { models, typedDicts } = this.modelImports.resolve(root, imports, path);
    return { path, root, imports, scope, registry: collectInputRegistry(root, imports, scope), models, typedDicts };
  }
}
