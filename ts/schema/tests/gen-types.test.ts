import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateTypes, staleTypeFiles } from "../gen-types.ts";

const schemaProperties = (name: string): string[] =>
  Object.keys((JSON.parse(readFileSync(new URL(`../../../schemas/${name}.schema.json`, import.meta.url), "utf8")) as { properties: Record<string, unknown> }).properties);

describe("generated types", () => {
  it("ts/types/* match the schemas (run `npm run gen:types` after editing a schema)", async () => {
    expect(await staleTypeFiles()).toEqual([]);
  });

  it("carry every top-level property of each schema", async () => {
    const files = await generateTypes();
    const byName = new Map(files.map((f) => [f.path.split("/").pop(), f.content]));
    const pairs = [
      ["cog", "cog-yaml.ts"],
      ["cognix", "cognix.ts"],
      ["image-spec", "image-spec.ts"],
      ["weights-lock", "weights-lock.ts"],
      ["weights-manifest", "weights-manifest.ts"],
    ] as const;
    for (const [schema, file] of pairs) {
      const content = byName.get(file) ?? "";
      for (const p of schemaProperties(schema)) expect(content).toMatch(new RegExp(`^\\s+"?${p.replace(/\./g, "\\.")}"?\\??:`, "m"));
    }
  });
});
