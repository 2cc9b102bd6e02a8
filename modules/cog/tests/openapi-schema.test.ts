// cog.openapiSchema: the document cognix.json holds, written by the build
// with info.version and nothing else changed (no Python runs for it, and
// numbers keep every digit, which Nix's own JSON writer would round).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { hasNix, inputAvailable, nix, nixEvalExpr } from "../../../ts/testkit/nix-eval.ts";
import { serializeOpenApiSchema, type JsonObject } from "../../../ts/openapi/index.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..", "..");
const libOk = hasNix() && inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib");
if (!libOk) console.warn("modules/cog: skipping the OpenAPI schema tests: nix or the flake input nixpkgs-lib is missing");

const fixture = join(repo, "lib", "tests", "fixtures", "legacy-sdk");
const tmp = mkdtempSync(join(tmpdir(), "cognix-openapi-nix-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The schema derivation of `src`, with no Python environment to be had. */
function schemaExpr(src: string, modules = "[ ]"): string {
  return `
    let
      h = import ${join(repo, "lib/tests/harness.nix")} { typescriptDir = "${join(repo, "node_modules", "typescript")}"; };
      c = (h.evalStub {
        src = ${src};
        modules = [ { python.venv = h.lib.mkForce (throw "the schema must not need the Python environment"); } ] ++ ${modules};
      }).config;
    in c.cog.openapiSchema`;
}

function build(src: string, modules?: string): string {
  const out = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  const r = nix(["build", "--offline", "--impure", "--expr", schemaExpr(src, modules), "-o", out]);
  expect(r.stderr.includes("error:") ? r.stderr : "").toBe("");
  return readFileSync(out, "utf8");
}

/** cognix.json's document as cognix writes a schema file, with info.version. */
function expected(version: string): string {
  const doc = (JSON.parse(readFileSync(join(fixture, "cognix.json"), "utf8")) as { openapiSchema: JsonObject }).openapiSchema;
  return serializeOpenApiSchema({ ...doc, info: { title: "Cog", version } });
}

describe.skipIf(!libOk)("modules/cog OpenAPI schema", () => {
  it("is cognix.json's document, digit for digit, with info.version \"0.1.0\" for an SDK below 0.17 (its own server's)", () => {
    const text = build(fixture);
    expect(text).toBe(expected("0.1.0"));
    expect(text).toContain('"minimum": 0.000123456789');
  });

  it("takes info.version from cog.version for an SDK served by coglet", () => {
    expect(build(fixture, `[ { cog.sdkVersion = "0.23.1"; } ]`)).toBe(expected("0.23.1"));
    expect(build(fixture, `[ { cog.sdkVersion = "0.23.1"; cog.version = "0.23.1+acme"; } ]`)).toBe(expected("0.23.1+acme"));
  });

  it("is refused, naming the file, when cognix.json has none (cog.yaml names neither predict nor train)", () => {
    const dir = join(tmp, "no-schema");
    cpSync(fixture, dir, { recursive: true });
    const cognix = JSON.parse(readFileSync(join(dir, "cognix.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "cognix.json"), JSON.stringify({ ...cognix, predict: null, openapiSchema: null }));
    const r = nixEvalExpr(`(${schemaExpr(dir)}).drvPath`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`cognix: ${join(dir, "cognix.json")} has no OpenAPI schema: cog.yaml names neither predict nor train`);
  });
});
