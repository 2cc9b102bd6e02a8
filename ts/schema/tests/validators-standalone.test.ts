import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { ValidateFunction } from "ajv";
import { standaloneValidators } from "../gen-validators.ts";
import { newAjv } from "../ajv-setup.ts";
import { loadSchema, SCHEMA_NAMES, STANDALONE_FILE, type SchemaName } from "../validators.ts";

const REPO = resolve(import.meta.dirname, "../../..");
const BUILT = join(REPO, "dist/schema", STANDALONE_FILE);

describe("precompiled validators (dist/schema)", () => {
  it("are what the schemas compile to now (else: npm run build)", () => {
    expect(existsSync(BUILT), `${BUILT} is missing: npm run build`).toBe(true);
    expect(readFileSync(BUILT, "utf8") === standaloneValidators(), `${BUILT} is stale: npm run build`).toBe(true);
  });

  it("report the same errors as validators compiled at run time", () => {
    const built = createRequire(import.meta.url)(BUILT) as Record<SchemaName, ValidateFunction>;
    const ajv = newAjv();
    const example = JSON.parse(readFileSync(join(REPO, "examples/minimal/cognix.json"), "utf8")) as Record<string, unknown>;
    const cases: [SchemaName, unknown][] = [
      ["cognix", example],
      ["cognix", {}],
      ["cognix", { ...example, python: 3.11, unknownKey: true }],
      ["cog", { build: { python_version: "3.11", gpu: true, python_packages: ["torch==2.5.1"] }, predict: "predict.py:Predictor" }],
      ["cog", { build: { python_version: 3.1, gpu: "yes", system_packages: [1] }, image: 5 }],
    ];
    const outcomes = new Set<boolean>();
    for (const name of SCHEMA_NAMES) {
      const runtime = ajv.compile(loadSchema(name));
      for (const [schema, doc] of cases.filter((c) => c[0] === name)) {
        const ok = built[schema](doc);
        expect(ok).toBe(runtime(doc));
        expect(built[schema].errors ?? null).toEqual(runtime.errors ?? null);
        outcomes.add(ok);
      }
    }
    // The cases exercise both outcomes.
    expect([...outcomes].sort()).toEqual([false, true]);
  });
});
