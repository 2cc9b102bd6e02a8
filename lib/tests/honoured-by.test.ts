// Every cognix.json key the schema allows is one some part of cognix honours
// (lib/internal.nix `honouredBy`), and the table names no key the schema
// lacks: readCognixJson refuses keys outside the table.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { hasNix, inputAvailable, nixEvalExpr } from "../../ts/testkit/nix-eval.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const libOk = hasNix() && inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib");
if (!libOk) console.warn("lib/tests: skipping the honouredBy check: `nix` or the nixpkgs-lib input is missing");

describe.skipIf(!libOk)("lib/internal.nix honouredBy", () => {
  it("has exactly the keys of schemas/cognix.schema.json, each with where it takes effect", () => {
    const r = nixEvalExpr(`(import ${join(repo, "lib", "internal.nix")} { lib = (import ${join(here, "harness.nix")} { }).lib; }).honouredBy`);
    expect(r.stderr.includes("error:") ? r.stderr : "").toBe("");
    const table = JSON.parse(r.stdout) as Record<string, string>;
    const schema = JSON.parse(readFileSync(join(repo, "schemas", "cognix.schema.json"), "utf8")) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(table).sort()).toEqual(Object.keys(schema.properties).sort());
    for (const [key, where] of Object.entries(table)) expect(where, key).toMatch(/\S/);
    // Every required key is a property.
    for (const key of schema.required) expect(Object.keys(schema.properties)).toContain(key);
  });
});
