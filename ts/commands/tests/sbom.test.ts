import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeSpec } from "../../image/spec-file.ts";
import { SBOM_LABEL, sbomBytes, withSbomLabel } from "../../sbom/document.ts";
import { sampleSpec } from "../../sbom/tests/fixture.ts";
import { capture, cognix, fakeTool, tempDir } from "./helpers.ts";

const dir = tempDir("sbom-cmd");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const spec = withSbomLabel(sampleSpec());
const specFile = join(dir, "spec.json");
writeSpec(specFile, spec);

describe("cognix sbom", () => {
  it("prints the CycloneDX document of an image spec, checked against its label and schema", async () => {
    const c = capture(dir);
    expect(await cognix(["sbom", "spec.json"], c.ctx)).toBe(0);
    expect(c.out()).toBe(sbomBytes(spec, "cyclonedx").toString("utf8"));
    expect(c.err()).toBe("");
  });

  it("writes the SPDX document to a file", async () => {
    const c = capture(dir);
    expect(await cognix(["sbom", "spec.json", "--format", "spdx", "-o", "out.spdx.json"], c.ctx)).toBe(0);
    expect(readFileSync(join(dir, "out.spdx.json"), "utf8")).toBe(sbomBytes(spec, "spdx").toString("utf8"));
  });

  it("refuses a spec whose label names other bytes, and writes nothing", async () => {
    const other = { ...spec, config: { Labels: { [SBOM_LABEL]: `sha256:${"0".repeat(64)}` } } };
    writeSpec(join(dir, "other.json"), other);
    const c = capture(dir);
    expect(await cognix(["sbom", "other.json", "-o", "never.json"], c.ctx)).toBe(1);
    expect(c.err()).toMatch(/^error: other\.json: config\.Labels\.org\.cognix\.sbom\.digest: the image's label names SBOM sha256:0+/);
    expect(existsSync(join(dir, "never.json"))).toBe(false);
  });

  it("prints what the built image's own `sbom` prints, after the schema accepts it", async () => {
    const good = join(dir, "good.cdx.json");
    writeFileSync(good, sbomBytes(spec, "cyclonedx"));
    fakeTool(join(dir, "good"), "result", `[ "$1 $2 $3" = "sbom --format cyclonedx" ] || exit 3\ncat ${good}`);
    const c = capture(dir);
    expect(await cognix(["sbom", "good/result"], c.ctx)).toBe(0);
    expect(c.out()).toBe(readFileSync(good, "utf8"));
  });

  it("refuses a document the schema does not accept, naming the problem, and writes nothing", async () => {
    fakeTool(join(dir, "bad"), "result", `echo '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"gadget","name":"x"}]}'`);
    const c = capture(dir);
    expect(await cognix(["sbom", "bad/result", "-o", "bad.json"], c.ctx)).toBe(1);
    expect(c.err()).toContain("error: the CycloneDX 1.6 schema refuses the SBOM:");
    expect(existsSync(join(dir, "bad.json"))).toBe(false);
  });

  it("says what is wrong with the arguments and the input", async () => {
    let c = capture(dir);
    expect(await cognix(["sbom", "spec.json", "--format", "xml"], c.ctx)).toBe(2);
    expect(c.err()).toMatch(/^error: --format must be cyclonedx or spdx, not "xml"\n\nUsage: cognix sbom /);
    c = capture(dir);
    expect(await cognix(["sbom", "--from-registry", "localhost:5000/x", "--format", "spdx"], c.ctx)).toBe(2);
    c = capture(dir);
    expect(await cognix(["sbom", "missing.json"], c.ctx)).toBe(1);
    expect(c.err()).toContain("missing.json: not found");
    c = capture(dir);
    expect(await cognix(["sbom", "--from-registry", "Not A Ref"], c.ctx)).toBe(2);
    expect(c.err()).toMatch(/^error: --from-registry: invalid image reference "Not A Ref"/);
  });
});
