import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import { CognixError, type Location, type Problem } from "../util/errors.ts";

export type KeyPath = readonly (string | number)[];

/** A parsed YAML file that still knows where every value came from. */
export interface YamlSource {
  file: string;
  /** The document as plain data (aliases and merge keys resolved). */
  value: unknown;
  /** Where the value at `path` starts; the deepest existing ancestor when it is absent. */
  locate(path: KeyPath): Location;
  /** Where the key of the map entry at `path` starts (falls back to `locate`). */
  locateKey(path: KeyPath): Location;
  /** The source text of a plain (unquoted) scalar at `path`, e.g. "3.10" for a value YAML reads as 3.1. */
  plainScalarText(path: KeyPath): string | undefined;
}

interface Found {
  node: Node | null;
  keyNode: Node | null;
  /** Length of the part of the path that exists. */
  depth: number;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function find(doc: Document, path: KeyPath): Found {
  let node = (doc.contents as Node | null) ?? null;
  let keyNode: Node | null = null;
  let depth = 0;
  for (const part of path) {
    if (node === null) break;
    let next: Node | null = null;
    let nextKey: Node | null = null;
    if (typeof part === "string" && isMap(node)) {
      for (const pair of node.items) {
        if (isPair(pair) && keyText(pair.key) === part) {
          next = (pair.value as Node | null) ?? null;
          // `key:` with nothing after it yields an empty scalar; the key is the better place to point at.
          if (isScalar(next) && next.range && next.range[0] === next.range[1]) next = null;
          nextKey = (pair.key as Node | null) ?? null;
          break;
        }
      }
      if (nextKey === null) break;
    } else if (typeof part === "number" && isSeq(node)) {
      const item = node.items[part] as Node | undefined;
      if (item === undefined) break;
      next = item;
    } else {
      break;
    }
    depth++;
    keyNode = nextKey;
    // A key with an empty value (`build:`) has no value node; point at the key.
    node = next ?? nextKey;
  }
  return { node, keyNode, depth };
}

/**
 * Parses YAML keeping positions. Syntax errors, duplicate keys, multiple
 * documents and unresolvable aliases are all reported at once as a CognixError.
 */
export function loadYaml(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: true, logLevel: "error" });

  const at = (offset: number | undefined): Location => {
    if (offset === undefined) return { file };
    const pos = lines.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };

  const problems: Problem[] = doc.errors.map((e) => ({
    ...at(e.pos[0]),
    message: e.code === "DUPLICATE_KEY" ? "duplicate key: a key may appear only once in a mapping" : `invalid YAML: ${e.message}`,
  }));
  for (const w of doc.warnings) {
    if (w.code === "TAG_RESOLVE_FAILED") problems.push({ ...at(w.pos[0]), message: `invalid YAML: ${w.message}` });
  }
  if (problems.length > 0) throw new CognixError(problems);

  let value: unknown;
  try {
    // A small alias budget stops "billion laughs" documents.
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw new CognixError({ file, message: `invalid YAML: ${err instanceof Error ? err.message : String(err)}` });
  }

  const locateNode = (n: Node | null, path: KeyPath): Location => ({ ...(n?.range ? at(n.range[0]) : { file }), path });

  return {
    file,
    value: value ?? null,
    locate(path) {
      const f = find(doc, path);
      return locateNode(f.node, path);
    },
    locateKey(path) {
      const f = find(doc, path);
      if (f.depth === path.length && f.keyNode) return locateNode(f.keyNode, path);
      return locateNode(f.node, path);
    },
    plainScalarText(path) {
      const f = find(doc, path);
      if (f.depth !== path.length || !isScalar(f.node) || f.node.type !== "PLAIN" || !f.node.range) return undefined;
      return text.slice(f.node.range[0], f.node.range[1]).trim();
    },
  };
}

/**
 * The key path of the innermost value whose text covers `index`, as far as
 * the (possibly damaged) document tells; [] when it is outside every value.
 */
export function keyPathAt(text: string, index: number): KeyPath {
  const doc = parseDocument(text, { logLevel: "silent", uniqueKeys: false });
  const path: (string | number)[] = [];
  const covers = (n: Node | null | undefined): boolean => n?.range !== undefined && n.range !== null && index >= n.range[0] && index < n.range[2];
  let node = (doc.contents as Node | null) ?? null;
  while (node !== null) {
    let next: Node | null = null;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = (pair.key as Node | null) ?? null;
        const value = (pair.value as Node | null) ?? null;
        const name = keyText(key);
        if (name === undefined || !(covers(key) || covers(value))) continue;
        path.push(name);
        next = covers(value) ? value : null;
        break;
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (next === null && covers(item as Node)) {
          path.push(i);
          next = item as Node;
        }
      });
    }
    node = next;
  }
  return path;
}
