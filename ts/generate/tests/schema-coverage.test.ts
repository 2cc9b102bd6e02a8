import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadSchema } from "../../schema/validators.ts";
import { FIXTURES } from "./helpers.ts";

type Schema = { properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; $ref?: string; definitions?: Record<string, Schema> };

/** Every key path the schema names, e.g. build.run[].mounts[].id (arrays as []). */
function schemaKeys(root: Schema): Set<string> {
  const out = new Set<string>();
  const walk = (s: Schema | undefined, prefix: string, seen: Set<string>): void => {
    if (s === undefined) return;
    if (s.$ref !== undefined) {
      if (seen.has(`${s.$ref}@${prefix}`) || prefix.split(".").length > 6) return;
      const def = root.definitions?.[s.$ref.replace("#/definitions/", "")];
      walk(def, prefix, new Set([...seen, `${s.$ref}@${prefix}`]));
      return;
    }
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      const p = prefix === "" ? k : `${prefix}.${k}`;
      out.add(p);
      walk(v, p, seen);
    }
    if (s.items) walk(s.items, `${prefix}[]`, seen);
    for (const alt of s.anyOf ?? []) walk(alt, prefix, seen);
  };
  walk(root, "", new Set());
  return out;
}

function usedKeys(value: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) usedKeys(v, `${prefix}[]`, out);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const p = prefix === "" ? k : `${prefix}.${k}`;
      out.add(p);
      usedKeys(v, p, out);
    }
  }
}

describe("fixtures exercise every key of schemas/cog.schema.json", () => {
  it("each key the schema names is set in at least one valid or broken fixture", () => {
    const used = new Set<string>();
    for (const group of ["valid", "broken"]) {
      for (const name of readdirSync(join(FIXTURES, group))) {
        const text = readFileSync(join(FIXTURES, group, name, "cog.yaml"), "utf8");
        try {
          usedKeys(parse(text), "", used);
        } catch {
          // Syntax-error fixtures contribute no keys.
        }
      }
    }
    const keys = [...schemaKeys(loadSchema("cog") as Schema)];
    // The legacy `environment` mapping repeats the build keys; covering build.* and environment itself is enough.
    const missing = keys.filter((k) => !used.has(k) && !(k.startsWith("environment.") && used.has(k.replace(/^environment\./, "build."))));
    expect(missing).toEqual([]);
  });
});
