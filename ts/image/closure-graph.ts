import { JsonReader, readJsonFile } from "../util/json-input.ts";
import type { ClosureNode } from "./spec-types.ts";

/**
 * Reads the closure graph Nix writes for `exportReferencesGraph` under
 * `__structuredAttrs`: either the array itself or the whole .attrs.json object
 * holding it under `closure`.
 */
export function readClosureGraph(file: string): ClosureNode[] {
  return parseClosureGraph(readJsonFile(file), file);
}

export function parseClosureGraph(doc: unknown, file: string): ClosureNode[] {
  const r = new JsonReader(file);
  let list: unknown[];
  let base: (string | number)[] = [];
  if (Array.isArray(doc)) list = doc;
  else {
    const obj = r.object(doc, []);
    if (!("closure" in obj)) r.fail([], 'expected an array of store paths or an object with a "closure" key');
    list = r.array(obj["closure"], ["closure"]);
    base = ["closure"];
  }
  const nodes: ClosureNode[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const at = [...base, i];
    const o = r.object(item, at);
    const path = r.absolutePath(o["path"], [...at, "path"]);
    if (seen.has(path)) r.fail([...at, "path"], `duplicate store path ${path}`);
    seen.add(path);
    const node: ClosureNode = {
      path,
      narSize: r.integer(o["narSize"], [...at, "narSize"]),
      references: r.stringArray(o["references"] ?? [], [...at, "references"]),
    };
    const narHash = r.optString(o["narHash"], [...at, "narHash"]);
    if (narHash !== undefined) node.narHash = narHash;
    nodes.push(node);
  });
  nodes.forEach((node, i) => {
    node.references.forEach((ref, j) => {
      if (!seen.has(ref)) r.fail([...base, i, "references", j], `reference ${ref} is not in the closure`);
    });
    // Self-references are normal in Nix and say nothing about layering.
    node.references = [...new Set(node.references.filter((ref) => ref !== node.path))].sort();
  });
  return nodes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
