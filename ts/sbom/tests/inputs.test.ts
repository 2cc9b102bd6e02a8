import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { decodeNix32, sha256Hex } from "../hash.ts";
import { readBomInputs, restrictToClosure } from "../inputs.ts";
import { parseStorePath } from "../store-path.ts";

const dir = mkdtempSync(join(tmpdir(), "cognix-bom-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(doc: unknown): CognixError {
  const file = join(dir, "bom.json");
  writeFileSync(file, JSON.stringify(doc));
  try {
    readBomInputs(file);
  } catch (err) {
    if (err instanceof CognixError) return err;
    throw err;
  }
  throw new Error("no error");
}

describe("SBOM facts from the evaluation", () => {
  it("refuses bad input naming the file and the key", () => {
    const e = errorOf({ python: [{ path: "/nix/store/x-numpy-1", name: "numpy", version: "1", sha256: "sha256:nothex" }] });
    expect(e.message).toMatch(/bom\.json: python\[0\]\.sha256: expected a sha256/);
    expect(errorOf({ weights: [{ name: "w", source: "s", target: "/w", mode: "sometimes", files: [] }] }).message).toMatch(/weights\[0\]\.mode: expected "build" or "runtime"/);
    expect(errorOf({ weights: [{ name: "w", source: "s", target: "/w", mode: "build", files: [] }] }).message).toMatch(/weights\[0\]\.path: a build-time weight set needs its store path/);
    expect(errorOf({ nixpkgsRevision: "main" }).message).toMatch(/nixpkgsRevision: expected a 40-character git revision/);
    expect(errorOf({ packagez: [] }).message).toMatch(/packagez: unknown key/);
    expect(errorOf({ packages: [{ path: "relative", pname: "x" }] }).message).toMatch(/packages\[0\]\.path: expected an absolute path/);
  });

  it("a syntax error names the file", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, '{\n  "packages": [,]\n}');
    expect(() => readBomInputs(file)).toThrow(/broken\.json(:\d+:\d+)?: invalid JSON/);
  });

  it("keeps only what the closure holds, one entry per path, sorted", () => {
    const bom = restrictToClosure(
      {
        packages: [
          { path: "/nix/store/b-y-2", pname: "y", version: "2" },
          { path: "/nix/store/z-build-only-1", pname: "build-only", version: "1" },
          { path: "/nix/store/a-x-1", pname: "x", version: "1" },
        ],
        python: [],
        weights: [],
      },
      new Set(["/nix/store/a-x-1", "/nix/store/b-y-2"]),
    );
    expect(bom.packages.map((p) => p.pname)).toEqual(["x", "y"]);
  });
});

describe("hashes and store path names", () => {
  it("reads sha256 in Nix base-32, SRI and hex alike", () => {
    const hex = "39f15b64e96bd9a56c470bd1878557a832492403b76fc4b2708f46c92969e998";
    expect(sha256Hex("sha256:1679d4lwjilgf2rc8vxp0cj4jcm8ay2qgl8b8xnabnbbx5j5pw9r")).toBe(hex);
    expect(sha256Hex("sha256-OfFbZOlr2aVsRwvRh4VXqDJJJAO3b8SycI9GySlp6Zg=")).toBe(hex);
    expect(sha256Hex(`sha256:${hex.toUpperCase()}`)).toBe(hex);
    expect(sha256Hex("sha256:1679d4lwjilgf2rc8vxp0cj4jcm8ay2qgl8b8xnabnbbx5j5pw9e")).toBeUndefined();
    expect(sha256Hex("sha256-tooShort")).toBeUndefined();
    expect(decodeNix32("zz", 1)).toBeUndefined();
  });

  it("splits names as builtins.parseDrvName does", () => {
    expect(parseStorePath("/nix/store/abc-openssl-3.0.13-bin")).toMatchObject({ hash: "abc", name: "openssl", version: "3.0.13-bin" });
    expect(parseStorePath("/nix/store/abc-cog-python-env")).toMatchObject({ name: "cog-python-env", version: "" });
    expect(parseStorePath("/nix/store/abc-python3.12-numpy-2.1.0")).toMatchObject({ name: "python3.12-numpy", version: "2.1.0" });
  });
});
