import { lstatSync, readdirSync, readlinkSync, statSync, type Dirent, type Stats } from "node:fs";
import { CognixError } from "../util/errors.ts";
import type { LayerSpec, RootEntry } from "./spec-types.ts";
import type { TarType } from "./tar-header.ts";

/** How a file's mode in the tar follows its mode on disk. */
export type ModeRule = "store" | "copy";

/** One tar entry of a layer, before any bytes are read. */
export interface TarEntry {
  /** Name inside the tar: absolute path without the leading slash. */
  name: string;
  /** The name's UTF-8 bytes: the sort key. */
  key: Buffer;
  type: TarType;
  mode: number;
  /** Regular files: byte length, re-checked while reading; unknown (-1) for files found by walking, stat'ed when opened. */
  size: number;
  linkname?: string;
  /** Regular files: where the bytes come from. */
  source?: string;
  /** Regular files with inline content. */
  content?: Buffer;
  /** Files found by walking a tree: mode (and size) come from the open file. */
  modeRule?: ModeRule;
}

const DIR_MODE = 0o755;

/** Byte order of the UTF-8 names, the order entries appear in every layer. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function statOrFail(path: string, what: string, follow = false): Stats {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (err) {
    throw new CognixError({ file: path, message: `${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
  }
}

/**
 * The tar mode of a file with disk mode `mode`: the Nix store's is read-only,
 * executable only where any x bit is set; copies outside the store stay
 * writable by root.
 */
export function fileModeFor(rule: ModeRule, mode: number): number {
  const exec = (mode & 0o111) !== 0;
  if (rule === "store") return exec ? 0o555 : 0o444;
  return exec ? 0o755 : 0o644;
}

function entry(name: string, e: Omit<TarEntry, "name" | "key">): TarEntry {
  return { name, key: Buffer.from(name, "utf8"), ...e };
}

function list(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new CognixError({ file: dir, message: `cannot list: ${(err as NodeJS.ErrnoException).code ?? ""}` });
  }
}

/**
 * Walks a tree on disk, emitting entries named under `dest` (a tar name).
 * Types come from the directory listing; a file's mode, size and identity
 * are read from the open file when it is tarred, so no file is stat'ed twice.
 */
function walkTree(source: string, dest: string, rule: ModeRule, out: TarEntry[]): void {
  const st = statOrFail(source, "cannot read");
  if (st.isSymbolicLink()) out.push(entry(dest, { type: "symlink", mode: 0o777, size: 0, linkname: readlinkSync(source) }));
  else if (st.isDirectory()) walkDir(source, dest, rule, out);
  else if (st.isFile()) out.push(entry(dest, { type: "file", mode: 0, size: -1, source, modeRule: rule }));
  else throw new CognixError({ file: source, message: "only regular files, directories and symlinks can go into an image" });
}

function walkDir(source: string, dest: string, rule: ModeRule, out: TarEntry[]): void {
  out.push(entry(dest, { type: "dir", mode: DIR_MODE, size: 0 }));
  for (const d of list(source)) {
    const path = `${source}/${d.name}`;
    const name = `${dest}/${d.name}`;
    if (d.isDirectory()) walkDir(path, name, rule, out);
    else if (d.isFile()) out.push(entry(name, { type: "file", mode: 0, size: -1, source: path, modeRule: rule }));
    else if (d.isSymbolicLink()) out.push(entry(name, { type: "symlink", mode: 0o777, size: 0, linkname: readlinkSync(path) }));
    else walkTree(path, name, rule, out);
  }
}

function tarName(absPath: string): string {
  return absPath.replace(/^\/+/, "").replace(/\/+$/, "");
}

/** Every ancestor directory of the given names ("nix", "nix/store", …). */
function ancestors(names: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const name of names) {
    // Walk up until a parent already seen: its own parents are there too.
    for (let cut = name.lastIndexOf("/"); cut > 0; cut = name.lastIndexOf("/", cut - 1)) {
      const parent = name.slice(0, cut);
      if (out.has(parent)) break;
      out.add(parent);
    }
  }
  return [...out];
}

function rootEntryToTar(e: RootEntry, out: TarEntry[]): void {
  const name = tarName(e.path);
  switch (e.type) {
    case "dir":
      out.push(entry(name, { type: "dir", mode: e.mode === undefined ? DIR_MODE : parseInt(e.mode, 8), size: 0 }));
      return;
    case "symlink":
      out.push(entry(name, { type: "symlink", mode: 0o777, size: 0, linkname: e.target }));
      return;
    case "file": {
      const mode = e.mode === undefined ? 0o644 : parseInt(e.mode, 8);
      if (e.content !== undefined) {
        const content = Buffer.from(e.content, "utf8");
        out.push(entry(name, { type: "file", mode, size: content.length, content }));
      } else if (e.source !== undefined) {
        const st = statOrFail(e.source, "cannot read file source", true);
        if (!st.isFile()) throw new CognixError({ file: e.source, message: `source of ${e.path} is not a regular file` });
        out.push(entry(name, { type: "file", mode, size: st.size, source: e.source }));
      }
      return;
    }
    case "copy":
      walkTree(e.source, name, "copy", out);
      return;
  }
}

/**
 * The entries of a layer, sorted by name bytes, with every parent directory
 * present. Later sources win over implicit parents; explicit duplicates fail.
 */
export function collectLayerEntries(layer: LayerSpec): TarEntry[] {
  const collected: TarEntry[] = [];
  if (layer.kind === "store") {
    for (const path of layer.paths ?? []) walkTree(path, tarName(path), "store", collected);
  } else {
    for (const e of layer.entries ?? []) rootEntryToTar(e, collected);
  }
  const byName = new Map<string, TarEntry>();
  for (const entry of collected) {
    const prev = byName.get(entry.name);
    if (prev !== undefined && !(prev.type === "dir" && entry.type === "dir")) {
      throw new CognixError({ message: `layer ${layer.id}: /${entry.name} is given twice` });
    }
    byName.set(entry.name, entry);
  }
  for (const dir of ancestors(byName.keys())) {
    const existing = byName.get(dir);
    if (existing === undefined) byName.set(dir, entry(dir, { type: "dir", mode: DIR_MODE, size: 0 }));
    else if (existing.type !== "dir") {
      throw new CognixError({ message: `layer ${layer.id}: /${dir} is a parent of other entries but not a directory` });
    }
  }
  return [...byName.values()].sort((a, b) => Buffer.compare(a.key, b.key));
}
