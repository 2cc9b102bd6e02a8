import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { NODE_FLAGS } from "../../testkit/node-flags.ts";

export const REPO = resolve(import.meta.dirname, "../../..");
export const MAIN = join(REPO, "ts/image/main.ts");
/** Node's arguments that run `cognix image` from the sources, as every cognix process runs (NODE_FLAGS). */
export const TOOL_ARGS: readonly string[] = [...NODE_FLAGS, "--import", "tsx", MAIN];

export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs `cognix image …` in a fresh node process (cwd = repo so tsx resolves). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, umask = "022"): CliResult {
  const r: SpawnSyncReturns<Buffer> = spawnSync("sh", ["-c", `umask ${umask}; exec "$@"`, "sh", process.execPath, ...TOOL_ARGS, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

export function hasTool(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Why a test must skip, or undefined when everything it needs is there. */
export function missing(tools: string[], needRoot = false): string | undefined {
  const absent = tools.filter((t) => !hasTool(t));
  if (needRoot && !isRoot()) absent.push("root (uid 0)");
  if (absent.length === 0) return undefined;
  return absent.join(", ");
}

export function skipNote(what: string, reason: string | undefined): boolean {
  if (reason !== undefined) console.warn(`SKIP ${what}: missing ${reason}`);
  return reason !== undefined;
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `cognix-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): { code: number; out: string; err: string } {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, out: r.stdout?.toString("utf8") ?? "", err: r.stderr?.toString("utf8") ?? "" };
}

const NIX_ENV = { NIX_CONFIG: "experimental-features = nix-command flakes\nsubstituters =" };

/** Builds a Nix file (impure, offline) and returns its `out` path, or throws with Nix's log. */
export function nixBuild(file: string): string {
  const r = run("nix", ["build", "--impure", "--no-link", "--json", "-f", file], { env: NIX_ENV });
  if (r.code !== 0) throw new Error(`nix build failed:\n${r.err}`);
  const parsed = JSON.parse(r.out) as { outputs: { out: string } }[];
  return parsed[0]!.outputs.out;
}

/** Runs the CLI's main() in this process with captured output (fast, for many small cases). */
export async function runMain(args: string[]): Promise<CliResult> {
  const { PassThrough } = await import("node:stream");
  const { main } = await import("../main.ts");
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const code = await main(args, { stdout, stderr });
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") };
}
