import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { checkLockFresh, describeChange, normalizeRequiresPython } from "../freshness.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../../lib/python/tests/fixtures");

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function copy(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), "cognix-lock-"));
  dirs.push(dir);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}
function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, "utf8");
  const next = text.replace(from, to);
  expect(next, `edit of ${file} applies`).not.toBe(text);
  writeFileSync(file, next);
}

describe("checkLockFresh", () => {
  it.each(["plain-cpu", "torch-cuda", "torch-cpu"])("finds the committed %s lock fresh against its pyproject.toml", (fixture) => {
    const status = checkLockFresh(join(FIXTURES, fixture));
    expect(status.changes).toEqual([]);
    expect(status.fresh).toBe(true);
  });

  it("names an added requirement", () => {
    const dir = copy("plain-cpu");
    edit(join(dir, "pyproject.toml"), '"requests>=2.32.3",', '"requests>=2.32.3",\n    "numpy<2",');
    const status = checkLockFresh(dir);
    expect(status.fresh).toBe(false);
    expect(status.changes).toEqual([{ kind: "added", name: "numpy", pyproject: "numpy<2" }]);
    expect(describeChange(status.changes[0]!)).toBe("added: numpy<2 (not in uv.lock)");
  });

  it("names a removed requirement", () => {
    const dir = copy("plain-cpu");
    edit(join(dir, "pyproject.toml"), /\s*"loguru>=0.7.3",/, "");
    expect(checkLockFresh(dir).changes).toEqual([{ kind: "removed", name: "loguru", lock: "loguru>=0.7.3" }]);
  });

  it("names a changed specifier", () => {
    const dir = copy("plain-cpu");
    edit(join(dir, "pyproject.toml"), '"requests>=2.32.3"', '"requests==2.31.0"');
    expect(checkLockFresh(dir).changes).toEqual([{ kind: "changed", name: "requests", lock: "requests>=2.32.3", pyproject: "requests==2.31.0" }]);
  });

  it("names a requirement routed to another index", () => {
    const dir = copy("torch-cuda");
    edit(join(dir, "pyproject.toml"), 'url = "https://download.pytorch.org/whl/cu126"', 'url = "https://download.pytorch.org/whl/cu128"');
    const changes = checkLockFresh(dir).changes;
    expect(changes.map((c) => ("name" in c ? c.name : c.kind))).toEqual(["torch", "torchaudio", "torchvision"]);
    expect(describeChange(changes[0]!)).toBe(
      "changed: torch: uv.lock has torch==2.7.1+cu126 (index https://download.pytorch.org/whl/cu126), pyproject.toml has torch==2.7.1+cu126 (index https://download.pytorch.org/whl/cu128)",
    );
  });

  it("names a changed optional dependency, with its extra", () => {
    const dir = copy("torch-cpu");
    edit(join(dir, "pyproject.toml"), '"torch==2.5.1",', '"torch==2.5.0",');
    const changes = checkLockFresh(dir).changes;
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: "changed", name: "torch" });
    expect(describeChange(changes[0]!)).toContain("torch==2.5.0; extra == 'cpu' (index https://download.pytorch.org/whl/cpu)");
  });

  it("names a changed Python", () => {
    const dir = copy("torch-cuda");
    edit(join(dir, "pyproject.toml"), 'requires-python = "==3.12.*"', 'requires-python = "==3.11.*"');
    expect(checkLockFresh(dir).changes).toEqual([{ kind: "requires-python", pyproject: "==3.11.*", lock: "==3.12.*" }]);
  });

  it("ignores spacing, case and order that uv normalizes away", () => {
    const dir = copy("plain-cpu");
    edit(join(dir, "pyproject.toml"), '"loguru>=0.7.3",\n    "requests>=2.32.3",', '"Requests >= 2.32.3",\n    "LOGURU>=0.7.3",');
    expect(checkLockFresh(dir).fresh).toBe(true);
  });

  it("treats >=3.10,<3.11 and ==3.10.* as the same Python", () => {
    expect(normalizeRequiresPython(">=3.10, <3.11")).toBe("==3.10.*");
    expect(normalizeRequiresPython("==3.10.*")).toBe("==3.10.*");
    expect(normalizeRequiresPython(">=3.10,<3.12")).toBe("<3.12,>=3.10");
  });

  it("fails with the file named when uv.lock is missing", () => {
    const dir = copy("plain-cpu");
    rmSync(join(dir, "uv.lock"));
    expect(() => checkLockFresh(dir)).toThrow(CognixError);
    expect(() => checkLockFresh(dir)).toThrow(/uv\.lock.*run `cognix lock`/);
  });

  it("fails with line and column on a broken uv.lock", () => {
    const dir = copy("plain-cpu");
    writeFileSync(join(dir, "uv.lock"), 'version = 1\n[[package]]\nname = "x\n');
    try {
      checkLockFresh(dir);
      expect.unreachable();
    } catch (err) {
      const p = (err as CognixError).problems[0]!;
      expect(p.file).toBe(join(dir, "uv.lock"));
      expect(p.line).toBe(3);
    }
  });
});
