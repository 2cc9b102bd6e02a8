import { posix } from "node:path";
import { collectImports } from "./imports.ts";
import { collectModelClasses } from "./model-classes.ts";
import { isKnownExternalModule, moduleToFilePath, nestedModule } from "./module-path.ts";
import { parsePythonSync } from "./parser.ts";
import type { SourceLog } from "./sources.ts";
import type { ImportEntry, Imports, ModelClasses } from "./types.ts";

interface ModuleSummary {
  imports?: Imports;
  models: ModelClasses;
  typedDicts: Set<string>;
  sourcePath: string;
}

/**
 * Finds the BaseModel/TypedDict classes a module imports from other files of
 * the model (`from .types import Output`, `import schemas`), the way Cog's
 * static generator does: one parse per file, cycles cut, stdlib and
 * well-known packages never looked for.
 */
export class ModelImports {
  private readonly loaded = new Map<string, ModuleSummary>();

  constructor(private readonly sources: SourceLog) {}

  /**
   * The models visible in a module: its own, plus imported ones under their
   * local names (`Output`, `types.Output`).
   */
  resolve(root: Parameters<typeof collectModelClasses>[0], imports: Imports, sourcePath: string): { models: ModelClasses; typedDicts: Set<string> } {
    const typedDicts = new Set<string>();
    const models = collectModelClasses(root, imports, typedDicts);
    this.addImported(models, imports, typedDicts, sourcePath);
    // Again, now that imported TypedDict parents are known.
    for (const [name, fields] of collectModelClasses(root, imports, typedDicts, models)) models.set(name, fields);
    return { models, typedDicts };
  }

  private addImported(models: ModelClasses, imports: Imports, typedDicts: Set<string>, sourcePath: string): void {
    for (const [localName, entry] of imports) {
      const found = this.loadForImport(entry, sourcePath);
      if (found === undefined) {
        aliasFrom(localName, entry, models, models, typedDicts, typedDicts);
        continue;
      }
      for (const [name, fields] of found.summary.models) models.set(`${localName}.${name}`, fields);
      for (const name of found.summary.typedDicts) typedDicts.add(`${localName}.${name}`);
      // `import mod` and `from pkg import mod` expose the module's classes only qualified.
      if (found.nested || entry.original === entry.module || entry.module === ".") continue;
      aliasFrom(localName, entry, found.summary.models, models, found.summary.typedDicts, typedDicts);
      for (const [name, fields] of found.summary.models) if (!models.has(name)) models.set(name, fields);
    }
  }

  private loadForImport(entry: ImportEntry, sourcePath: string): { summary: ModuleSummary; nested: boolean } | undefined {
    const direct = this.load(entry.module, sourcePath);
    if (direct !== undefined) return { summary: direct, nested: false };
    const module = nestedModule(entry.module, entry.original);
    if (module === entry.module) return undefined;
    const nested = this.load(module, sourcePath);
    return nested === undefined ? undefined : { summary: nested, nested: true };
  }

  private load(module: string, fromPath: string): ModuleSummary | undefined {
    if (isKnownExternalModule(module)) return undefined;
    const pyPath = moduleToFilePath(module, fromPath);
    if (pyPath === "") return undefined;
    const key = posix.normalize(pyPath);
    const cached = this.loaded.get(key);
    if (cached !== undefined) return cached;
    const source = this.sources.text(key);
    if (source === undefined) return undefined;
    // A placeholder while loading cuts import cycles.
    this.loaded.set(key, { models: new Map(), typedDicts: new Set(), sourcePath: key });
    const root = parsePythonSync(source).rootNode;
    const imports = collectImports(root);
    const { models, typedDicts } = this.resolve(root, imports, key);
    const summary: ModuleSummary = { imports, models, typedDicts, sourcePath: key };
    this.loaded.set(key, summary);
    this.refreshAliases();
    // Once more, now that aliases across an import cycle are known.
    this.addImported(models, imports, typedDicts, key);
    return summary;
  }

  /** Imported aliases between loaded modules, once every module of a cycle is loaded. */
  private refreshAliases(): void {
    for (const summary of this.loaded.values()) {
      if (summary.imports === undefined) continue;
      for (const [localName, entry] of summary.imports) {
        const pyPath = moduleToFilePath(entry.module, summary.sourcePath);
        if (pyPath === "") continue;
        const imported = this.loaded.get(posix.normalize(pyPath));
        if (imported === undefined) continue;
        aliasFrom(localName, entry, imported.models, summary.models, imported.typedDicts, summary.typedDicts);
      }
    }
  }
}

function aliasFrom(
  localName: string,
  entry: ImportEntry,
  src: ModelClasses,
  dst: ModelClasses,
  srcTypedDicts: ReadonlySet<string>,
  dstTypedDicts: Set<string>,
): void {
  const fields = src.get(entry.original);
  if (fields !== undefined) dst.set(localName, fields);
  if (srcTypedDicts.has(entry.original)) dstTypedDicts.add(localName);
}
