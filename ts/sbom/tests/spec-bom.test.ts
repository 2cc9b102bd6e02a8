import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parseSpec } from "../../image/spec-file.ts";
import { REPO } from "../../image/tests/helpers.ts";
import { sampleSpec } from "./fixture.ts";

describe("the spec's bom field", () => {
  const schema = JSON.parse(readFileSync(join(REPO, "schemas/image-spec.schema.json"), "utf8")) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it("is what schemas/image-spec.schema.json describes, and reads back unchanged", () => {
    const spec = JSON.parse(JSON.stringify(sampleSpec())) as Record<string, unknown>;
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
    const parsed = parseSpec(spec, "spec.json");
    expect(parsed.bom).toEqual(spec["bom"]);
    const broken = { ...spec, bom: { weights: [{ name: "w", source: "s", target: "/w", mode: "later", files: [] }] } };
    expect(validate(broken)).toBe(false);
    expect(() => parseSpec(broken, "spec.json")).toThrow(/spec\.json: bom\.weights\[0\]\.mode: expected "build" or "runtime"/);
  });
});
