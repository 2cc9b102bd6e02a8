import { describe, expect, it } from "vitest";
import { generateTypes, staleTypeFiles } from "../gen-types.ts";
import { loadSchema } from "../validators.ts";

describe("generated types", () => {
  it("ts/types/* match the schemas (run `npm run gen:types` after editing a schema)", async () => {
    expect(await staleTypeFiles()).toEqual([]);
  });

  it("carry every top-level property of each schema", async () => {
    const files = await generateTypes();
    const byName = new Map(files.map((f) => [f.path.split("/").pop(), f.content]));
    for (const [schema, file] of [["cog", "cog-yaml.ts"], ["cognix", "cognix.ts"]] as const) {
      const props = Object.keys((loadSchema(schema) as { properties: Record<string, unknown> }).properties);
      const content = byName.get(file) ?? "";
      for (const p of props) expect(content).toMatch(new RegExp(`^\\s+"?${p.replace(/\./g, "\\.")}"?\\??:`, "m"));
    }
  });
});
