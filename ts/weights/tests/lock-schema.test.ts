// schemas/weights-lock.schema.json describes what cognix writes and reads:
// a lock writeLock accepts validates, and a lock validateLock refuses does not.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { newAjv } from "../../schema/ajv-setup.ts";
import { validateLock } from "../lock-file.ts";

const repo = join(import.meta.dirname, "..", "..", "..");
const schema = JSON.parse(readFileSync(join(repo, "schemas", "weights-lock.schema.json"), "utf8")) as object;
const validate = newAjv().compile(schema);

const file = (path: string, extra: Record<string, unknown> = {}) => ({ path, size: 5, sha256: "a".repeat(64), urls: ["https://example.com/x"], ...extra });
const lockWith = (files: unknown[], set: Record<string, unknown> = {}) => ({
  formatVersion: 1,
  sets: { base: { source: "hf://acme/base@0123456789abcdef0123456789abcdef01234567", include: [], exclude: ["*.md"], files, ...set } },
});

/** Whether cognix's own reader accepts the lock. */
function cognixAccepts(lock: unknown): boolean {
  try {
    validateLock(lock, "weights.lock.json");
    return true;
  } catch {
    return false;
  }
}

describe("the weights.lock.json schema", () => {
  it("accepts the locks cognix keeps, such as the Nix tests' fixture", () => {
    const fixture = JSON.parse(readFileSync(join(repo, "lib", "weights", "tests", "fixtures", "weights.lock.json"), "utf8")) as unknown;
    expect(cognixAccepts(fixture)).toBe(true);
    expect(validate(fixture), JSON.stringify(validate.errors)).toBe(true);
  });

  const cases: [string, unknown][] = [
    ["an ordinary path", lockWith([file("unet/diffusion_pytorch_model-00001-of-00002.fp16+v1.0,final@2~.safetensors")])],
    ["a hidden file", lockWith([file(".gitattributes")])],
    ["a path with '..'", lockWith([file("a/../b")])],
    ["an absolute path", lockWith([file("/etc/passwd")])],
    ["an empty segment", lockWith([file("a//b")])],
    ["a shell character", lockWith([file("x$(id).bin")])],
    ["the downloader's .partial", lockWith([file(".partial/x")])],
    ["the downloader's record", lockWith([file(".cognix-verified.json")])],
    ["a negative size", lockWith([file("a", { size: -1 })])],
    ["a short sha256", lockWith([file("a", { sha256: "abc" })])],
    ["no URL", lockWith([file("a", { urls: [] })])],
    ["no source", lockWith([file("a")], { source: 1 })],
    ["another format", { ...lockWith([file("a")]), formatVersion: 2 }],
  ];
  for (const [what, lock] of cases) {
    it(`agrees with cognix's reader on ${what}`, () => {
      expect(validate(lock)).toBe(cognixAccepts(lock));
    });
  }

  it("accepts and refuses among those cases", () => {
    expect(new Set(cases.map(([, lock]) => cognixAccepts(lock)))).toEqual(new Set([true, false]));
  });
});
