import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageConfigBlob } from "../../image/oci-image.ts";
import { readSpec } from "../../image/spec-file.ts";
import { runCli, tempDir } from "../../image/tests/helpers.ts";
import { SBOM_LABEL, sbomBytes } from "../document.ts";

/** A real (tiny) closure: two "store paths" under a temp dir, built into a spec with SBOM facts. */
describe("the SBOM's digest as an image label", () => {
  const t = tempDir("sbom-label");
  const a = join(t.dir, "store", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-2.12");
  const b = join(t.dir, "store", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-greeting-1.0");
  const graph = join(t.dir, "graph.json");
  const config = join(t.dir, "config.json");
  const bom = join(t.dir, "bom.json");
  const sha = (bytes: Buffer): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

  beforeAll(() => {
    mkdirSync(join(a, "bin"), { recursive: true });
    mkdirSync(b, { recursive: true });
    writeFileSync(join(a, "bin", "hello"), "#!/bin/sh\necho hello\n");
    writeFileSync(join(b, "greeting.txt"), "hello\n");
    writeFileSync(graph, JSON.stringify([
      { path: a, narSize: 100, narHash: `sha256:${"1".repeat(64)}`, references: [b] },
      { path: b, narSize: 50, narHash: `sha256:${"2".repeat(64)}`, references: [] },
    ]));
    writeFileSync(config, JSON.stringify({ Cmd: ["hello"], Labels: { "run.cog.version": "0.16.12" } }));
    writeFileSync(bom, JSON.stringify({ packages: [{ path: a, pname: "hello", version: "2.12" }, { path: "/nix/store/zzzz-gcc-13", pname: "gcc", version: "13" }] }));
  });
  afterAll(() => t.cleanup());

  it("build-spec --bom labels the config with the sha256 of the CycloneDX SBOM, which names the layers", () => {
    const out = join(t.dir, "spec.json");
    const r = runCli(["build-spec", "--graph", graph, "--config", config, "--bom", bom, "--out", out, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const spec = readSpec(out);
    // Only what the closure holds stays.
    expect(spec.bom?.packages.map((p) => p.pname)).toEqual(["hello"]);
    const sbom = sbomBytes(spec, "cyclonedx");
    expect(spec.config.Labels?.[SBOM_LABEL]).toBe(sha(sbom));
    expect(spec.config.Labels?.["run.cog.version"]).toBe("0.16.12");
    // The config digest covers the label; the SBOM covers the layers.
    expect(JSON.parse(imageConfigBlob(spec).bytes.toString("utf8")).config.Labels[SBOM_LABEL]).toBe(sha(sbom));
    expect(spec.configDigest).toBe(imageConfigBlob(spec).digest);
    const doc = JSON.parse(sbom.toString("utf8")) as { metadata: { component: { properties: { name: string; value: string }[] } } };
    const ids = doc.metadata.component.properties.filter((p) => p.name === "oci:image:rootfs:diff_id").map((p) => p.value);
    expect(ids).toEqual(spec.layers.map((l) => l.diffId));

    // `sbom` prints the same bytes, to stdout or a file, in either format.
    const shown = runCli(["sbom", "--spec", out]);
    expect(shown.code).toBe(0);
    expect(shown.stdout.equals(sbom)).toBe(true);
    const file = join(t.dir, "sbom.spdx.json");
    expect(runCli(["sbom", "--spec", out, "--format", "spdx", "-o", file]).code).toBe(0);
    expect(readFileSync(file).equals(sbomBytes(spec, "spdx"))).toBe(true);
  });

  it("without SBOM facts there is no label (and the spec is what it was)", () => {
    const out = join(t.dir, "plain.json");
    expect(runCli(["build-spec", "--graph", graph, "--config", config, "--out", out]).code).toBe(0);
    expect(readSpec(out).config.Labels?.[SBOM_LABEL]).toBeUndefined();
  });

  it("refuses a config that sets the label itself, and a spec whose label names other bytes", () => {
    const own = join(t.dir, "own-label.json");
    writeFileSync(own, JSON.stringify({ Labels: { [SBOM_LABEL]: `sha256:${"0".repeat(64)}` } }));
    const r = runCli(["build-spec", "--graph", graph, "--config", own, "--bom", bom, "--out", join(t.dir, "x.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`own-label.json: Labels.${SBOM_LABEL}: cognix sets this label itself`);

    const spec = JSON.parse(readFileSync(join(t.dir, "spec.json"), "utf8")) as { config: { Labels: Record<string, string> } };
    spec.config.Labels[SBOM_LABEL] = `sha256:${"0".repeat(64)}`;
    const tampered = join(t.dir, "tampered.json");
    writeFileSync(tampered, JSON.stringify(spec));
    const shown = runCli(["sbom", "--spec", tampered, "-o", join(t.dir, "never.json")]);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toMatch(/tampered\.json: config\.Labels\.org\.cognix\.sbom\.digest: the image's label names SBOM sha256:0+, but this cognix makes/);
    expect(() => readFileSync(join(t.dir, "never.json"))).toThrow();
  });

  it("reads the build's own files with --stored, checked against the label", () => {
    const out = join(t.dir, "spec.json");
    const stored = join(t.dir, "stored");
    mkdirSync(stored);
    writeFileSync(join(stored, "sbom.cdx.json"), sbomBytes(readSpec(out), "cyclonedx"));
    expect(runCli(["sbom", "--spec", out, "--stored", stored]).code).toBe(0);
    writeFileSync(join(stored, "sbom.cdx.json"), "{}\n");
    expect(runCli(["sbom", "--spec", out, "--stored", stored]).stderr).toContain("the image's label names SBOM");
    expect(runCli(["sbom", "--spec", out, "--stored", stored, "--format", "spdx"]).stderr).toMatch(/sbom\.spdx\.json: the build wrote no SBOM here/);
    expect(runCli(["sbom", "--spec", out, "--format", "xml"]).code).toBe(2);
  });
});
