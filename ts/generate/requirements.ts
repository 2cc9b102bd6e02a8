import { createHash } from "node:crypto";
import { realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { CognixError, formatProblem, type Location, type Problem } from "../util/errors.ts";
import { wheelName } from "../python/wheel.ts";
import type { Requirement } from "./resolve/types.ts";
import { decodeUtf8 } from "./decode-text.ts";
import { MAX_REQUIREMENTS_BYTES, readProjectFile, within } from "./project-file.ts";

/** A value from a pip option and where it was written. */
export interface Located {
  value: string;
  loc: Location;
}

export interface RequirementsFileRead {
  /** Path relative to the project directory, `/`-separated. */
  path: string;
  sha256: string;
}

/** Requirements split into PEP 508 lines and the pip options around them. */
export interface ParsedRequirements {
  requirements: Requirement[];
  indexUrls: Located[];
  extraIndexUrls: Located[];
  findLinks: Located[];
  /** Other pip options, normalised to `--long-name value`. */
  options: string[];
  /** Every requirements file read, the top one first, then includes in reading order. */
  files: RequirementsFileRead[];
  warnings: string[];
}

/** One logical line: continuations joined, comment removed, trimmed. */
export interface LogicalLine {
  text: string;
  loc: Location;
}

export interface RequirementsContext {
  /** Absolute, symlink-free project directory. */
  projectRoot: string;
  /** How to show a project-relative path in messages (e.g. joined with the directory the user typed). */
  display(relPath: string): string;
}

const OPTIONS_WITH_VALUE = new Map<string, string>([
  ["-i", "--index-url"],
  ["--index-url", "--index-url"],
  ["--extra-index-url", "--extra-index-url"],
  ["-f", "--find-links"],
  ["--find-links", "--find-links"],
  ["-r", "--requirement"],
  ["--requirement", "--requirement"],
  ["-c", "--constraint"],
  ["--constraint", "--constraint"],
  ["-e", "--editable"],
  ["--editable", "--editable"],
  ["--trusted-host", "--trusted-host"],
  ["--no-binary", "--no-binary"],
  ["--only-binary", "--only-binary"],
  ["--use-feature", "--use-feature"],
  ["--config-settings", "--config-settings"],
  ["--global-option", "--global-option"],
  ["--hash", "--hash"],
]);
const FLAG_OPTIONS = new Set(["--pre", "--no-index", "--prefer-binary", "--require-hashes"]);
/** Options pip or Cog accept after a requirement on the same line. */
const PER_REQUIREMENT = new Set(["--hash", "--extra-index-url", "--index-url", "--find-links", "--pre"]);

interface ParsedOption {
  /** As written (`-f`). */
  flag: string;
  /** Canonical long name (`--find-links`). */
  name: string;
  value: string;
  /** How the value was given: `--name=value` / `-fvalue` ("attached") or as the next word ("separate"). */
  form: "attached" | "separate" | "flag";
}

/** Cog reads a line as pinned when a name is followed directly by `==` (SplitPinnedPythonRequirement). */
const COG_PINNED = /[A-Za-z0-9_-]+==\S/;

/**
 * The options Cog keeps after a pinned requirement: it matches only
 * `--find-links=URL`, `-f URL` and `--extra-index-url=URL` on such a line
 * and writes the rest of it away.
 */
function keptByCog(opt: ParsedOption): boolean {
  if (opt.name === "--extra-index-url") return opt.flag === "--extra-index-url" && opt.form === "attached";
  if (opt.name === "--find-links") return opt.flag === "-f" ? opt.form === "separate" : opt.form === "attached";
  return false;
}
const ARCHIVE_SUFFIX = /\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$/i;

/** Splits file text into logical lines the way pip reads them. */
export function logicalLines(text: string, file: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let buf = "";
  let start = 0;
  for (let i = 0; i < physical.length; i++) {
    const line = physical[i] ?? "";
    if (buf === "") start = i + 1;
    // pip drops comments before joining continuations.
    const noComment = line.replace(/(^|\s)#.*$/, "");
    if (noComment.endsWith("\\")) {
      buf += noComment.slice(0, -1);
      continue;
    }
    buf += noComment;
    const t = buf.trim().replace(/\s+/g, " ");
    if (t !== "") out.push({ text: t, loc: { file, line: start } });
    buf = "";
  }
  const rest = buf.trim();
  if (rest !== "") out.push({ text: rest.replace(/\s+/g, " "), loc: { file, line: start } });
  return out;
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function toPosix(p: string): string {
  return p.split(sep).join("/");
}

/** `name @ url` for `-e git+https://…#egg=name`; local paths are handled separately. */
function editableVcs(value: string): string | undefined {
  const m = /^(git|hg|svn|bzr)\+[^#]+#(?:.*&)?egg=([A-Za-z0-9._-]+)/.exec(value);
  if (m === null) return undefined;
  const url = value.replace(/#.*$/, "");
  return `${m[2]} @ ${url}`;
}

/**
 * A bare URL requirement given the PEP 508 `name @ url` form when the name is
 * knowable: a wheel's file name starts with it, `#egg=` states it.
 */
export function namedUrl(req: string): string | undefined {
  const m = /^((?:[a-z]+\+)?[a-z]+:\/\/\S+?)(\s*;.*)?$/i.exec(req);
  if (m === null) return undefined;
  const url = m[1] as string;
  const marker = m[2] ?? "";
  const egg = /#(?:.*&)?egg=([A-Za-z0-9._-]+)/.exec(url);
  if (egg !== null) return `${egg[1]} @ ${url.replace(/#.*$/, "")}${marker}`;
  const wheel = wheelName(url);
  return wheel === null ? undefined : `${wheel.name} @ ${url}${marker}`;
}

function looksLikeLocalPath(req: string): boolean {
  if (req.includes(" @ ") || /^[a-z][a-z0-9+.-]*:\/\//i.test(req)) return req.startsWith("file:");
  if (req.startsWith("./") || req.startsWith("../") || req.startsWith("/") || req === ".") return true;
  return ARCHIVE_SUFFIX.test(req.split(";")[0]?.trim() ?? "");
}

class Reader {
  readonly out: ParsedRequirements = {
    requirements: [],
    indexUrls: [],
    extraIndexUrls: [],
    findLinks: [],
    options: [],
    files: [],
    warnings: [],
  };
  readonly problems: Problem[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly ctx: RequirementsContext) {}

  /** Reads a requirements file (project-relative path) and its includes. */
  readFile(relPath: string, from: Location | undefined, stack: string[]): void {
    // Type, place and size are checked before anything is read: a device or FIFO is never opened.
    const read = readProjectFile(this.ctx.projectRoot, relPath, MAX_REQUIREMENTS_BYTES);
    if (!read.ok) {
      const message = read.why === "not found" ? `requirements file not found: ${this.ctx.display(relPath)}` : `requirements file ${this.ctx.display(relPath)} ${read.why}`;
      this.problems.push({ ...(from ?? {}), message });
      return;
    }
    const { real, bytes: data } = read;
    const rel = toPosix(relative(this.ctx.projectRoot, real));
    if (stack.includes(rel)) {
      this.problems.push({ ...(from ?? {}), message: `requirements include cycle: ${[...stack, rel].join(" -> ")}` });
      return;
    }
    if (this.seen.has(rel)) return;
    this.seen.add(rel);
    this.out.files.push({ path: rel, sha256: sha256(data) });
    const display = this.ctx.display(rel);
    const decoded = decodeUtf8(data);
    if (!decoded.ok) {
      this.problems.push({ file: display, line: decoded.line, column: decoded.column, message: decoded.message });
      return;
    }
    const text = decoded.text;
    for (const line of logicalLines(text, display)) this.line(line, dirname(real), [...stack, rel]);
  }

  /** Handles one logical line; `baseDir` is what relative paths in it are relative to. */
  line(line: LogicalLine, baseDir: string, stack: string[]): void {
    const tokens = line.text.split(" ");
    // A requirement may be followed by options (`torch==1.13 --extra-index-url URL`, `--hash=…`), as Cog allows.
    const firstOpt = tokens.findIndex((t) => t.startsWith("-"));
    const reqPart = (firstOpt === -1 ? tokens : tokens.slice(0, firstOpt)).join(" ");
    const optTokens = firstOpt === -1 ? [] : tokens.slice(firstOpt);
    if (reqPart !== "") {
      const pinned = COG_PINNED.test(reqPart);
      let ownIndex: string | undefined;
      for (const opt of this.splitOptions(optTokens, line.loc)) {
        if (opt.name === "--hash") continue; // the lock records its own hashes
        if (!PER_REQUIREMENT.has(opt.name)) {
          this.problems.push({ ...line.loc, message: `pip option ${opt.flag} is not supported after a requirement: ${line.text}` });
          continue;
        }
        if (pinned && !keptByCog(opt)) {
          const written = opt.form === "flag" ? opt.flag : `${opt.flag} ${opt.value}`;
          this.out.warnings.push(
            `${formatProblem({ ...line.loc, message: `${written} after ${reqPart} is dropped, as Cog drops it: on a pinned requirement's line Cog reads only --extra-index-url=URL, --find-links=URL and -f URL; put it on a line of its own to use it` })}`,
          );
          continue;
        }
        if (pinned && opt.name === "--extra-index-url") ownIndex = opt.value;
        this.applyOption(opt, line.loc, baseDir, stack);
      }
      this.requirement(reqPart, line.loc, baseDir, false, ownIndex);
      return;
    }
    for (const opt of this.splitOptions(optTokens, line.loc)) this.applyOption(opt, line.loc, baseDir, stack);
  }

  /** pip's option syntax: `--name value`, `--name=value`, `-f value`, `-fvalue`, bare flags. */
  private splitOptions(tokens: readonly string[], loc: Location): ParsedOption[] {
    const out: ParsedOption[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as string;
      let flag = t;
      let value: string | undefined;
      if (t.startsWith("--") && t.includes("=")) {
        flag = t.slice(0, t.indexOf("="));
        value = t.slice(t.indexOf("=") + 1);
      } else if (/^-[A-Za-z]./.test(t)) {
        flag = t.slice(0, 2);
        value = t.slice(2).replace(/^=/, "");
      }
      if (FLAG_OPTIONS.has(flag)) {
        if (value !== undefined) this.problems.push({ ...loc, message: `${flag} takes no value` });
        else out.push({ flag, name: flag, value: "", form: "flag" });
        continue;
      }
      const name = OPTIONS_WITH_VALUE.get(flag);
      if (name === undefined) {
        this.problems.push({ ...loc, message: t.startsWith("-") ? `unknown pip option ${flag}` : `unexpected ${JSON.stringify(t)} among pip options` });
        continue;
      }
      const form = value === undefined ? "separate" : "attached";
      if (value === undefined) value = tokens[++i];
      if (value === undefined || value === "") {
        this.problems.push({ ...loc, message: `${flag} needs a value` });
        continue;
      }
      out.push({ flag, name, value, form });
    }
    return out;
  }

  private requirement(req: string, loc: Location, baseDir: string, editable: boolean, ownIndex?: string): void {
    if (!looksLikeLocalPath(req)) {
      this.out.requirements.push({ text: namedUrl(req) ?? req, loc, ...(ownIndex === undefined ? {} : { ownIndex }) });
      return;
    }
    const [pathPart, marker] = req.split(/\s*;\s*/, 2) as [string, string | undefined];
    const raw = pathPart.startsWith("file://") ? pathPart.slice("file://".length) : pathPart.replace(/^file:/, "");
    const abs = isAbsolute(raw) ? raw : resolve(baseDir, raw);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      this.problems.push({ ...loc, message: `local package ${raw} not found` });
      return;
    }
    if (!within(this.ctx.projectRoot, real)) {
      this.problems.push({ ...loc, message: `local package ${raw} must be inside the project directory` });
      return;
    }
    const isDir = statSync(real).isDirectory();
    if (isDir && !editable && ARCHIVE_SUFFIX.test(raw)) {
      this.problems.push({ ...loc, message: `local package ${raw} must be a file` });
      return;
    }
    const rel = toPosix(relative(this.ctx.projectRoot, real));
    const text = rel === "" ? "." : `./${rel}`;
    this.out.requirements.push({ text: marker ? `${text} ; ${marker}` : text, loc });
  }

  private applyOption(opt: ParsedOption, loc: Location, baseDir: string, stack: string[]): void {
    const { name, value } = opt;
    if (FLAG_OPTIONS.has(name)) {
      if (!this.out.options.includes(name)) this.out.options.push(name);
      return;
    }
    switch (name) {
      case "--requirement": {
        const target = isAbsolute(value) ? value : resolve(baseDir, value);
        this.readFile(relative(this.ctx.projectRoot, target), loc, stack);
        return;
      }
      case "--index-url":
        this.out.indexUrls.push({ value, loc });
        return;
      case "--extra-index-url":
        this.out.extraIndexUrls.push({ value, loc });
        return;
      case "--find-links":
        this.out.findLinks.push({ value, loc });
        return;
      case "--editable": {
        const vcs = editableVcs(value);
        if (vcs !== undefined) this.out.requirements.push({ text: vcs, loc });
        else if (/^[a-z+]+:\/\//i.test(value)) this.problems.push({ ...loc, message: `editable requirement needs #egg=NAME: ${value}` });
        else this.requirement(value.startsWith(".") || value.startsWith("/") ? value : `./${value}`, loc, baseDir, true);
        return;
      }
      case "--constraint":
        this.out.warnings.push(`${loc.file}:${loc.line}: constraints files are not applied: ${value}`);
        this.out.options.push(`${name} ${value}`);
        return;
      default: {
        const opt = `${name} ${value}`;
        if (!this.out.options.includes(opt)) this.out.options.push(opt);
      }
    }
  }
}

/** Reads `relPath` (relative to the project) and everything it includes. Throws every problem at once. */
export function readRequirementsFile(ctx: RequirementsContext, relPath: string, from: Location): ParsedRequirements {
  const r = new Reader(ctx);
  r.readFile(relPath, from, []);
  if (r.problems.length > 0) throw new CognixError(r.problems);
  return r.out;
}

/** Normalises cog.yaml `python_packages` entries; paths in them are relative to the project. */
export function parsePackageList(ctx: RequirementsContext, items: readonly LogicalLine[]): ParsedRequirements {
  const r = new Reader(ctx);
  for (const item of items) {
    const text = item.text.trim().replace(/\s+/g, " ");
    if (text === "" || text.startsWith("#")) continue;
    r.line({ text, loc: item.loc }, ctx.projectRoot, []);
  }
  if (r.problems.length > 0) throw new CognixError(r.problems);
  return r.out;
}
