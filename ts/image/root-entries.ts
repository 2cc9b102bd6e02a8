import { JsonReader, readJsonFile } from "../util/json-input.ts";
import type { RootEntry } from "./spec-types.ts";

export interface RootInput {
  entries: RootEntry[];
  /** Store paths that must get a layer of their own (model source, weights). */
  ownLayer: string[];
}

/**
 * Reads ROOT.json: an array of root filesystem entries, or an object
 * `{ "entries": [...], "ownLayer": ["/nix/store/…"] }`.
 */
export function readRootEntries(file: string): RootInput {
  return parseRootEntries(readJsonFile(file), file);
}

export function parseRootEntries(doc: unknown, file: string): RootInput {
  const r = new JsonReader(file);
  let list: unknown[];
  let base: (string | number)[] = [];
  let ownLayer: string[] = [];
  if (Array.isArray(doc)) list = doc;
  else {
    const o = r.object(doc, []);
    for (const key of Object.keys(o)) {
      if (key !== "entries" && key !== "ownLayer") r.fail([key], 'unknown key (expected "entries" or "ownLayer")');
    }
    list = r.array(o["entries"] ?? [], ["entries"]);
    base = ["entries"];
    ownLayer = (o["ownLayer"] === undefined ? [] : r.array(o["ownLayer"], ["ownLayer"])).map((v, i) =>
      r.absolutePath(v, ["ownLayer", i]),
    );
  }
  const entries = list.map((item, i) => parseRootEntry(r, item, [...base, i]));
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const prev = seen.get(e.path);
    if (prev !== undefined) r.fail([...base, i, "path"], `${e.path} is already given by entry ${prev}`);
    seen.set(e.path, i);
  });
  return { entries, ownLayer };
}

const ALLOWED: Record<RootEntry["type"], string[]> = {
  dir: ["path", "type", "mode"],
  symlink: ["path", "type", "target"],
  file: ["path", "type", "mode", "content", "source"],
  copy: ["path", "type", "source", "layer"],
};

export function parseRootEntry(r: JsonReader, item: unknown, at: (string | number)[]): RootEntry {
  const o = r.object(item, at);
  const path = r.absolutePath(o["path"], [...at, "path"]);
  if (path === "/") r.fail([...at, "path"], "the root directory itself cannot be an entry");
  const type = r.string(o["type"], [...at, "type"]);
  if (!(type in ALLOWED)) r.fail([...at, "type"], `expected one of dir, symlink, file, copy; got ${JSON.stringify(type)}`);
  const allowed = ALLOWED[type as RootEntry["type"]];
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) r.fail([...at, key], `not allowed for a ${type} entry (allowed: ${allowed.join(", ")})`);
  }
  const clean = path.replace(/\/+$/, "");
  switch (type) {
    case "dir": {
      const e: RootEntry = { path: clean, type: "dir" };
      if (o["mode"] !== undefined) e.mode = parseMode(r, o["mode"], [...at, "mode"]);
      return e;
    }
    case "symlink": {
      const target = r.string(o["target"], [...at, "target"]);
      if (target === "") r.fail([...at, "target"], "symlink target must not be empty");
      return { path: clean, type: "symlink", target };
    }
    case "file": {
      const e: RootEntry = { path: clean, type: "file" };
      if (o["mode"] !== undefined) e.mode = parseMode(r, o["mode"], [...at, "mode"]);
      const hasContent = o["content"] !== undefined;
      const hasSource = o["source"] !== undefined;
      if (hasContent === hasSource) r.fail(at, 'a file entry needs exactly one of "content" or "source"');
      if (hasContent) e.content = r.string(o["content"], [...at, "content"]);
      else e.source = r.absolutePath(o["source"], [...at, "source"]);
      return e;
    }
    default: {
      const e: RootEntry = { path: clean, type: "copy", source: r.absolutePath(o["source"], [...at, "source"]) };
      if (o["layer"] !== undefined) {
        const layer = r.string(o["layer"], [...at, "layer"]);
        if (layer !== "own" && layer !== "top") r.fail([...at, "layer"], `expected "own" or "top", got ${JSON.stringify(layer)}`);
        e.layer = layer;
      }
      return e;
    }
  }
}

function parseMode(r: JsonReader, value: unknown, at: (string | number)[]): string {
  const s = r.string(value, at);
  if (!/^0?[0-7]{3,4}$/.test(s)) r.fail(at, `expected an octal mode such as "0644" or "1777", got ${JSON.stringify(s)}`);
  return s.padStart(4, "0").slice(-4);
}
