import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const DOWNLOADER = fileURLToPath(new URL("../../../../lib/weights/downloader.py", import.meta.url));

/** The host python3 if it is at least 3.8 (the downloader's floor), else null. */
export function findPython(): string | null {
  const r = spawnSync("python3", ["-c", "import sys; print(sys.version_info >= (3, 8))"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() === "True" ? "python3" : null;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the downloader asynchronously (the test's servers live in this
 * process); killed after `killAfterMs`, so a hang fails the test instead of stalling it.
 */
export function runDownloader(args: string[], env: NodeJS.ProcessEnv = {}, killAfterMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [DOWNLOADER, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], timeout: killAfterMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
