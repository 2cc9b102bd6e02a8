import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE_FLAGS } from "../../testkit/node-flags.ts";

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const CLI = join(ROOT, "ts", "cli.ts");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cognix ARGS` as a subprocess, the way users run it. */
export function runCli(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, TSX, CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, COGNIX_DEBUG: "", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code, stdout, stderr }));
  });
}

/** A scratch copy of fixtures/<rel> (so cognix.json never lands in the repository). */
export function copyFixture(rel: string): { dir: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), "cognix-gen-"));
  const dir = join(base, "model");
  cpSync(join(FIXTURES, rel), dir, { recursive: true });
  writePythonStubs(dir);
  return { dir, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/**
 * Real-world fixtures keep no upstream Python code: `python-names.json` lists
 * each module's top-level names (data), and this writes a module binding
 * exactly those names, which is all the predictor reference check reads.
 * Each is a stand-in class whose predict() and train() the schema generator
 * can read (the fixtures keep no signatures), async so that any concurrency
 * is allowed.
 */
function writePythonStubs(dir: string): void {
  const list = join(dir, "python-names.json");
  if (!existsSync(list)) return;
  const modules = JSON.parse(readFileSync(list, "utf8")) as Record<string, string[]>;
  for (const [file, names] of Object.entries(modules)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, names.map((n) => `class ${n}:\n    async def predict(self) -> str: ...\n    async def train(self) -> str: ...\n`).join(""));
  }
  rmSync(list);
}

/** `file:line[:column]: …`, the shape of every problem line. */
export const PROBLEM_LINE = /^[^\s:][^:]*:\d+(:\d+)?: \S/;
