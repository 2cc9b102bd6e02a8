import { describe, expect, it } from "vitest";
import { cyclonedxProblems, spdxProblems } from "../../commands/sbom-validate.ts";
import { sbomBytes } from "../document.ts";
import { rootfsDigest } from "../subject.ts";
import { P, sampleSpec } from "./fixture.ts";

interface CdxComponent {
  "bom-ref": string;
  type: string;
  name: string;
  version?: string;
  purl?: string;
  hashes?: { alg: string; content: string }[];
  externalReferences?: { type: string; url: string; hashes?: { content: string }[] }[];
  properties?: { name: string; value: string }[];
  components?: CdxComponent[];
}
interface Cdx {
  serialNumber: string;
  metadata: { component: CdxComponent; timestamp: string };
  components: CdxComponent[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

const cdx = (spec = sampleSpec()): Cdx => JSON.parse(sbomBytes(spec, "cyclonedx").toString("utf8")) as Cdx;
const prop = (c: CdxComponent, name: string): string[] => (c.properties ?? []).filter((p) => p.name === name).map((p) => p.value);
const byRef = (doc: Cdx, ref: string): CdxComponent => {
  const c = doc.components.find((x) => x["bom-ref"] === ref);
  if (c === undefined) throw new Error(`no component ${ref}`);
  return c;
};

describe("CycloneDX document", () => {
  it("passes the CycloneDX 1.6 schema (the CycloneDX library, strict)", async () => {
    expect(await cyclonedxProblems(sbomBytes(sampleSpec(), "cyclonedx").toString("utf8"))).toEqual([]);
  });

  it("the schema check catches a broken document", async () => {
    const doc = cdx() as unknown as { components: { type: string }[] };
    doc.components[0]!.type = "gadget";
    expect((await cyclonedxProblems(JSON.stringify(doc))).length).toBeGreaterThan(0);
  });

  it("names the image by its layers: diff_ids in order and the digest of the config's rootfs", () => {
    const doc = cdx();
    const image = doc.metadata.component;
    expect(image.type).toBe("container");
    const ids = sampleSpec().layers.map((l) => l.diffId as string);
    expect(prop(image, "oci:image:rootfs:diff_id")).toEqual(ids);
    expect(prop(image, "cognix:image:rootfs_digest")).toEqual([rootfsDigest(ids)]);
    expect(doc.metadata.timestamp).toBe("1970-01-01T00:00:01Z");
  });

  it("gives every store path its name, version, NAR hash and layer", () => {
    const doc = cdx();
    const glibc = byRef(doc, P.glibc);
    expect([glibc.name, glibc.version]).toEqual(["glibc", "2.40-66"]);
    expect(prop(glibc, "cognix:version_source")).toEqual(["derivation"]);
    // sha256:<nix32> from exportReferencesGraph, as hex.
    expect(glibc.hashes).toEqual([{ alg: "SHA-256", content: "39f15b64e96bd9a56c470bd1878557a832492403b76fc4b2708f46c92969e998" }]);
    expect(prop(glibc, "nix:out_path")).toEqual([P.glibc]);
    expect(prop(glibc, "nix:nar_size")).toEqual(["100"]);
    expect(prop(glibc, "cognix:image:layer")).toEqual([`sha256:${"a".repeat(64)}`]);
    // No derivation facts: the store path's name, split as Nix splits it.
    const foo = byRef(doc, P.unknown);
    expect([foo.name, foo.version]).toEqual(["libfoo", "1.2.3-lib"]);
    expect(prop(foo, "cognix:version_source")).toEqual(["store-path-name"]);
    const venv = byRef(doc, P.venv);
    expect([venv.name, venv.version]).toEqual(["cog-python-env", undefined]);
  });

  it("gives a Python distribution its purl, wheel URL and the wheel's sha256 (the NAR's as a property)", () => {
    const numpy = byRef(cdx(), P.numpy);
    expect(numpy.purl).toBe("pkg:pypi/numpy@2.1.0");
    expect(numpy.hashes).toEqual([{ alg: "SHA-256", content: "1".repeat(64) }]);
    expect(numpy.externalReferences?.[0]?.url).toMatch(/numpy-2\.1\.0-cp312-.*\.whl$/);
    expect(numpy.externalReferences?.[0]?.hashes?.[0]?.content).toBe("1".repeat(64));
    // SRI sha256-… from the closure graph, as hex.
    expect(prop(numpy, "nix:nar_hash")).toEqual(["sha256:39f15b64e96bd9a56c470bd1878557a832492403b76fc4b2708f46c92969e998"]);
  });

  it("lists weight files with source, sha256 and size, in the image or downloaded at start", () => {
    const doc = cdx();
    const tiny = byRef(doc, P.weights);
    expect(tiny.type).toBe("data");
    expect(prop(tiny, "cognix:weights:mode")).toEqual(["build"]);
    const file = tiny.components?.[0];
    expect(file?.name).toBe("model.safetensors");
    expect(file?.hashes?.[0]?.content).toBe("2".repeat(64));
    expect(prop(file!, "cognix:weights:size")).toEqual(["12"]);
    expect(prop(file!, "cognix:weights:source")).toEqual(["hf://org/tiny@0123abc"]);
    const late = byRef(doc, "weights:late");
    expect(prop(late, "cognix:weights:mode")).toEqual(["runtime"]);
    expect(late.components?.map((c) => c.name)).toEqual(["a.bin", "b.bin"]);
  });

  it("states the nixpkgs revision", () => {
    expect(byRef(cdx(), "nixpkgs").purl).toBe("pkg:github/nixos/nixpkgs@0123456789abcdef0123456789abcdef01234567");
  });

  it("has the closure's dependency graph, the image depending on what nothing else refers to", () => {
    const deps = new Map(cdx().dependencies.map((d) => [d.ref, d.dependsOn]));
    expect(deps.get(P.numpy)).toEqual([P.python]);
    expect(deps.get(P.venv)).toEqual([P.numpy, P.python].sort());
    expect(deps.get(P.glibc)).toEqual([]);
    expect(deps.get("image")).toEqual([P.src, P.unknown, P.venv, P.weights, "weights:late"].sort());
  });
});

describe("SPDX document", () => {
  const spdx = (): { packages: { SPDXID: string; name: string; checksums?: { checksumValue: string }[]; downloadLocation: string }[]; relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[] } =>
    JSON.parse(sbomBytes(sampleSpec(), "spdx").toString("utf8"));

  it("passes the SPDX 2.3 schema and names only elements it defines", () => {
    expect(spdxProblems(sbomBytes(sampleSpec(), "spdx").toString("utf8"))).toEqual([]);
  });

  it("the checks catch an undefined element and a missing field", () => {
    const doc = spdx();
    doc.relationships.push({ spdxElementId: "SPDXRef-Image", relationshipType: "CONTAINS", relatedSpdxElement: "SPDXRef-Nowhere" });
    expect(spdxProblems(JSON.stringify(doc))).toEqual([expect.stringContaining("SPDXRef-Nowhere is not an element")]);
    const noLocation = spdx() as unknown as { packages: Record<string, unknown>[] };
    delete noLocation.packages[1]!["downloadLocation"];
    expect(spdxProblems(JSON.stringify(noLocation))).toEqual([expect.stringContaining("downloadLocation")]);
  });

  it("carries the same facts: wheel checksum and URL, dependencies, what the image contains", () => {
    const doc = spdx();
    const numpy = doc.packages.find((p) => p.name === "numpy");
    expect(numpy?.checksums?.[0]?.checksumValue).toBe("1".repeat(64));
    expect(numpy?.downloadLocation).toMatch(/\.whl$/);
    const id = numpy?.SPDXID as string;
    expect(doc.relationships).toContainEqual({ spdxElementId: "SPDXRef-Image", relationshipType: "CONTAINS", relatedSpdxElement: id });
    expect(doc.relationships.filter((r) => r.spdxElementId === id && r.relationshipType === "DEPENDS_ON")).toHaveLength(1);
    expect(doc.relationships).toContainEqual({ spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: "SPDXRef-Image" });
  });
});

describe("deterministic bytes", () => {
  it("the same image gives the same bytes, whatever order its inputs came in", () => {
    const a = sampleSpec();
    const b = sampleSpec();
    b.closure.reverse();
    b.bom!.packages.reverse();
    b.bom!.weights.reverse();
    b.bom!.weights.forEach((w) => w.files.reverse());
    for (const format of ["cyclonedx", "spdx"] as const) expect(sbomBytes(b, format).equals(sbomBytes(a, format))).toBe(true);
  });

  it("ignores the image config (where its own digest is a label)", () => {
    const a = sampleSpec();
    const b = sampleSpec();
    b.config = { Labels: { "org.cognix.sbom.digest": `sha256:${"f".repeat(64)}` }, Env: ["X=1"] };
    expect(sbomBytes(b, "cyclonedx").equals(sbomBytes(a, "cyclonedx"))).toBe(true);
  });

  it("another layer gives another document and serial number", () => {
    const a = cdx();
    const spec = sampleSpec();
    spec.layers[0]!.diffId = `sha256:${"0".repeat(64)}`;
    const b = cdx(spec);
    expect(b.serialNumber).not.toBe(a.serialNumber);
    expect(a.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
