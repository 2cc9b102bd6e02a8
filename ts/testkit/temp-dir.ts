import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** A fresh directory `cognix-<prefix>-XXXXXX` under the system's temporary directory. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `cognix-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Makes fresh directories for the tests of the calling describe block; they are removed after its last test. */
export function useTempDirs(): (prefix: string) => string {
  const made: (() => void)[] = [];
  afterAll(() => {
    for (const cleanup of made.splice(0)) cleanup();
  });
  return (prefix) => {
    const { dir, cleanup } = tempDir(prefix);
    made.push(cleanup);
    return dir;
  };
}
