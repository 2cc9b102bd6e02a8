import { lstatSync, readdirSync, readlinkSync, statSync, type Stats } from "node:fs";
import { CognixError } from "../util/errors.ts";
import type { LayerSpec, RootEntry } from "./spec-types.ts";
import type { TarType } from "./tar-header.ts";

/** One tar entry of a layer, before any bytes are read. */
export interface TarEntry {
  /** Name inside the tar: absolute path without the leading slash. */
  name: string;
  type: TarType;
  mode: number;
  /** Regular files: byte length (from lstat, re-checked while reading). */
  size: number;
  linkname?: string;
  /** Regular files: where the bytes come from. */
  source?: string;
  /** Regular files with inline content. */
  content?: Buffer;
  /** Identity of the file on disk, used to find hard links. */
  inode?: string;
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

type ModeRule = (st: Stats) => number;

/** Nix store normalisation: read-only, executable only where any x bit is set. */
const storeFileMode: ModeRule = (st) => ((st.mode & 0o111) !== 0 ? 0o555 : 0o444);
/** Copies outside the store stay writable by root. */
const copyFileMode: ModeRule = (st) => ((st.mode & 0o111) !== 0 ? 0o755 : 0o644);

/** Walks a tree on disk, emitting entries named under `dest` (a tar name). */
function walkTree(source: string, dest: string, fileMode: ModeRule, out: TarEntry[]): void {
  const st = statOrFail(source, "cannot read");
  if (st.isSymbolicLink()) {
    out.push({ name: dest, type: "symlink", mode: 0o777, size: 0, linkname: readlinkSync(source) });
  } else if (st.isDirectory()) {
    out.push({ name: dest, type: "dir", mode: DIR_MODE, size: 0 });
    let names: string[];
    try {
      names = readdirSync(source);
    } catch (err) {
      throw new CognixError({ file: source, message: `cannot list: ${(err as NodeJS.ErrnoException).code ?? ""}` });
    }
    for (const child of names) walkTree(`${source}/${child}`, `${dest}/${child}`, fileMode, out);
  } else if (st.isFile()) {
    const entry: TarEntry = { name: dest, type: "file", mode: fileMode(st), size: st.size, source };
    if (st.nlink > 1) entry.inode = `${st.dev}:${st.ino}`;
    out.push(entry);
  } else {
    throw new CognixError({ file: source, message: "only regular files, directories and symlinks can go into an image" });
  }
}

function tarName(absPath: string): string {
  return absPath.replace(/^\/+/, "").replace(/\/+$/, "");
}

/** Every ancestor directory of the given names ("nix", "nix/store", …). */
function ancestors(names: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const name of names) {
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join("/"));
  }
  return [...out];
}

function rootEntryToTar(e: RootEntry, out: TarEntry[]): void {
  const name = tarName(e.path);
  switch (e.type) {
    case "dir":
      out.push({ name, type: "dir", mode: e.mode === undefined ? DIR_MODE : parseInt(e.mode, 8), size: 0 });
      return;
    case "symlink":
      out.push({ name, type: "symlink", mode: 0o777, size: 0, linkname: e.target });
      return;
    case "file": {
      const mode = e.mode === undefined ? 0o644 : parseInt(e.mode, 8);
      if (e.content !== undefined) {
        const content = Buffer.from(e.content, "utf8");
        out.push({ name, type: "file", mode, size: content.length, content });
      } else if (e.source !== undefined) {
        const st = statOrFail(e.source, "cannot read file source", true);
        if (!st.isFile()) throw new CognixError({ file: e.source, message: `source of ${e.path} is not a regular file` });
        out.push({ name, type: "file", mode, size: st.size, source: e.source });
      }
      return;
    }
    case "copy":
      walkTree(e.source, name, copyFileMode, out);
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
    for (const path of layer.paths ?? []) walkTree(path, tarName(path), storeFileMode, collected);
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
    if (existing === undefined) byName.set(dir, { name: dir, type: "dir", mode: DIR_MODE, size: 0 });
    else if (existing.type !== "dir") {
      throw new CognixError({ message: `layer ${layer.id}: /${dir} is a parent of other entries but not a directory` });
    }
  }
  const keyed = [...byName.values()].map((e) => ({ e, key: Buffer.from(e.name, "utf8") }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return keyed.map((k) => k.e);
}

/**
 * Hard links by inode: the first name (in entry order) of a multiply-linked
 * file keeps the bytes, later names link to it. Recorded in the spec so the
 * bytes do not depend on how the store happens to be optimised later.
 */
export function findHardlinks(entries: readonly TarEntry[]): Record<string, string> {
  const first = new Map<string, string>();
  const links: Record<string, string> = {};
  for (const e of entries) {
    if (e.type !== "file" || e.inode === undefined) continue;
    const target = first.get(e.inode);
    if (target === undefined) first.set(e.inode, e.name);
    else links[e.name] = target;
  }
  return links;
}
