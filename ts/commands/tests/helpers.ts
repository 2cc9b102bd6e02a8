import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { capture as captureWith, type Captured } from "../../cli/tests/capture.ts";

export type { Captured };
export { main as cognix } from "../../cli.ts";

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, "..", "..", "..");
export const fixtures = join(here, "fixtures");

/** A context writing into strings; `env` replaces the process environment (PATH included). */
export function capture(cwd: string, env: NodeJS.ProcessEnv = process.env, tty = false): Captured {
  return captureWith(cwd, { env, tty });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cognix-${prefix}-`));
}

/** A shell script named `name` in `binDir` (created), standing in for a tool. */
export function fakeTool(binDir: string, name: string, script: string): string {
  mkdirSync(binDir, { recursive: true });
  const file = join(binDir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

/**
 * PATH with only basic host tools (in `parent/hostbin`) after `extra`: docker,
 * podman, cog and nix are absent unless faked. `parent` is the test's temp dir.
 */
export function isolatedPath(parent: string, ...extra: string[]): string {
  const bin = join(parent, "hostbin");
  if (!existsSync(bin)) {
    mkdirSync(bin);
    for (const tool of ["sh", "cat", "head", "wc", "dd", "printf", "echo", "sleep", "env", "tee"]) {
      const found = spawnSync("/bin/sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
      if (found.startsWith("/")) symlinkSync(found, join(bin, tool));
    }
  }
  return [...extra, bin].join(":");
}

export function have(cmd: string, args: string[] = ["--version"]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}
