import type { Writable } from "node:stream";
import { isAbsolute, join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError, formatProblem, type Problem } from "../util/errors.ts";
import { COGNIX_JSON, generate, projectRootOf } from "./generate.ts";
import { MAX_COGNIX_JSON_BYTES, readProjectFile } from "./project-file.ts";

export interface Io {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

export const GENERATE_HELP = `Usage: cognix generate [DIR] [--json] [--check]

Reads DIR/cog.yaml (default: the current directory) and the files it names,
checks them, resolves versions and writes DIR/cognix.json.

Options:
  --check    write nothing; exit 1 if DIR/cognix.json is missing or stale
  --json     print the result as JSON on stdout
  -h, --help show this help
`;

interface GenerateArgs {
  dir: string;
  json: boolean;
  check: boolean;
}

function usage(message: string): CognixError {
  return new CognixError({ message: `${message}\n\n${GENERATE_HELP.trimEnd()}` }, 2);
}

function parseArgs(argv: readonly string[]): GenerateArgs | "help" {
  const args: GenerateArgs = { dir: ".", json: false, check: false };
  let dirSeen = false;
  for (const a of argv) {
    if (a === "-h" || a === "--help") return "help";
    else if (a === "--json") args.json = true;
    else if (a === "--check") args.check = true;
    else if (a.startsWith("-") && a !== "-") throw usage(`unknown option ${a}`);
    else if (dirSeen) throw usage(`unexpected argument ${a}: give one model directory`);
    else {
      args.dir = a;
      dirSeen = true;
    }
  }
  return args;
}

/** Problems carry model-relative file names; show them relative to where the user is. */
function inDir(dir: string, p: Problem): Problem {
  if (p.file === undefined || isAbsolute(p.file) || dir === ".") return p;
  return { ...p, file: join(dir, p.file) };
}

/** The cognix.json generate would replace, or null; never a FIFO, device or link out of the model. */
function readCurrent(root: string, shown: string): string | null {
  const r = readProjectFile(root, COGNIX_JSON, MAX_COGNIX_JSON_BYTES);
  if (r.ok) return r.bytes.toString("utf8");
  if (r.why === "not found") return null;
  throw new CognixError({ file: shown, message: `${COGNIX_JSON} ${r.why}; remove it and run cognix generate again` });
}

/** `cognix generate`: returns the exit code. Usage errors are thrown (exit 2). */
export function runGenerate(argv: readonly string[], io: Io): number {
  const args = parseArgs(argv);
  if (args === "help") {
    io.stdout.write(GENERATE_HELP);
    return 0;
  }
  const out = join(args.dir, COGNIX_JSON);
  try {
    const root = projectRootOf(args.dir);
    const result = generate(args.dir);
    // Warnings name files relative to the model directory, as cognix.json records them.
    for (const w of result.warnings) io.stderr.write(`warning: ${w}\n`);
    const current = readCurrent(root, out);
    const upToDate = current === result.json;
    if (args.check) {
      if (!upToDate) io.stderr.write(`${out}: ${current === null ? "missing" : "stale"}: run cognix generate${args.dir === "." ? "" : ` ${args.dir}`}\n`);
      if (args.json) io.stdout.write(canonicalJson({ ok: upToDate, path: out, stale: !upToDate, warnings: result.warnings }));
      return upToDate ? 0 : 1;
    }
    if (!upToDate) writeFileAtomic(out, result.json);
    if (args.json) io.stdout.write(canonicalJson({ ok: true, path: out, changed: !upToDate, warnings: result.warnings }));
    else if (io.stderr.isTTY) io.stderr.write(upToDate ? `${out} is up to date\n` : `wrote ${out}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof CognixError)) throw err;
    const problems = err.problems.map((p) => inDir(args.dir, p));
    for (const p of problems) io.stderr.write(`${formatProblem(p)}\n`);
    if (args.json) {
      // `errors` as every cognix command reports them; `problems` with each one's location.
      const located = problems.map((p) => ({ ...p, text: formatProblem(p) }));
      io.stdout.write(canonicalJson({ ok: false, path: out, errors: located.map((p) => p.text), problems: located }));
    };
    return err.exitCode;
  }
}
