import { describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { planSpec, digestSpec } from "../build-spec.ts";
import { parseSpec } from "../spec-file.ts";
import { REPO, tempDir } from "./helpers.ts";

/** The spec the tool writes is what schemas/image-spec.schema.json describes, and reads back unchanged. */
describe("image spec schema", () => {
  const schema = JSON.parse(readFileSync(join(REPO, "schemas/image-spec.schema.json"), "utf8")) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it("accepts planned and digested specs and rejects a broken one", async () => {
    const t = tempDir("schema");
    try {
      const p = join(t.dir, "xyz-pkg");
      mkdirSync(p);
      writeFileSync(join(p, "f"), "f");
      const planned = planSpec({
        closure: [{ path: p, narSize: 10, references: [] }],
        config: { Cmd: ["x"], ExposedPorts: { "5000/tcp": {} } },
        root: [
          { path: "/tmp", type: "dir", mode: "1777" },
          { path: "/src", type: "copy", source: p, layer: "own" },
          { path: "/etc/hosts", type: "file", content: "" },
          { path: "/bin/sh", type: "symlink", target: "/x" },
        ],
        ownLayer: [p],
      });
      expect(validate(planned), JSON.stringify(validate.errors)).toBe(true);
      const digested = await digestSpec(planned);
      const asJson = JSON.parse(JSON.stringify(digested)) as unknown;
      expect(validate(asJson), JSON.stringify(validate.errors)).toBe(true);
      expect(parseSpec(asJson, "spec.json")).toEqual(asJson);
      const broken = { ...(asJson as Record<string, unknown>), layers: [{ id: "x", kind: "store", diffId: "md5:1" }] };
      expect(validate(broken)).toBe(false);
      expect(() => parseSpec(broken, "spec.json")).toThrow(/spec.json: layers\[0\]\.paths: expected an array/);
    } finally {
      t.cleanup();
    }
  });
});
