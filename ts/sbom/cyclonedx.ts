import { createHash } from "node:crypto";
import { canonicalJson } from "../util/canonical-json.ts";
import type { BomModel, Component } from "./model.ts";
import { utcSeconds } from "./timestamp.ts";
import { URL_NAMESPACE, uuidV5 } from "./uuid.ts";

export const CYCLONEDX_MEDIA_TYPE = "application/vnd.cyclonedx+json";

type Json = Record<string, unknown>;
type Property = { name: string; value: string };

const TYPE: Record<Component["kind"], string> = {
  nix: "library",
  python: "library",
  "weight-set": "data",
  "weight-file": "file",
  nixpkgs: "framework",
};

function properties(c: Component): Property[] {
  const out: Property[] = [];
  const add = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) out.push({ name, value: String(value) });
  };
  add("nix:out_path", c.storePath);
  add("nix:nar_hash", c.narSha256 === undefined ? undefined : `sha256:${c.narSha256}`);
  add("nix:nar_size", c.narSize);
  add("cognix:version_source", c.versionSource);
  add("cognix:image:layer", c.layer);
  if (c.weights !== undefined) {
    add("cognix:weights:set", c.weights.set);
    add("cognix:weights:source", c.weights.source);
    add("cognix:weights:target", c.weights.target);
    add("cognix:weights:mode", c.weights.mode);
    add("cognix:weights:size", c.weights.size);
  }
  return out;
}

function component(c: Component): Json {
  const out: Json = { "bom-ref": c.ref, type: TYPE[c.kind], name: c.name };
  if (c.version !== undefined) out["version"] = c.version;
  if (c.purl !== undefined) out["purl"] = c.purl;
  if (c.sha256 !== undefined) out["hashes"] = [{ alg: "SHA-256", content: c.sha256 }];
  const refs: Json[] = c.downloads.map((url) => ({
    type: "distribution",
    url,
    ...(c.sha256 !== undefined && c.kind !== "nix" ? { hashes: [{ alg: "SHA-256", content: c.sha256 }] } : {}),
  }));
  if (c.kind === "nixpkgs") refs.push({ type: "vcs", url: "https://github.com/NixOS/nixpkgs" });
  if (refs.length > 0) out["externalReferences"] = refs;
  const props = properties(c);
  if (props.length > 0) out["properties"] = props;
  if (c.children.length > 0) out["components"] = c.children.map(component);
  return out;
}

function imageComponent(m: BomModel): Json {
  const s = m.subject;
  return {
    "bom-ref": "image",
    type: "container",
    name: s.name,
    version: s.tag,
    properties: [
      { name: "cognix:image:rootfs_digest", value: s.rootfsDigest },
      { name: "oci:image:architecture", value: s.architecture },
      { name: "oci:image:os", value: s.os },
      ...s.diffIds.map((d) => ({ name: "oci:image:rootfs:diff_id", value: d })),
    ],
  };
}

/** The CycloneDX 1.6 JSON document: canonical bytes, so the same image gives the same document. */
export function cyclonedxDocument(m: BomModel): string {
  const dependencies = [
    { ref: "image", dependsOn: m.roots },
    ...m.components.filter((c) => c.kind !== "nixpkgs").map((c) => ({ ref: c.ref, dependsOn: [...c.dependsOn].sort() })),
  ];
  const doc: Json = {
    $schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    version: 1,
    metadata: {
      timestamp: utcSeconds(m.subject.created),
      tools: { components: [{ type: "application", name: "cognix" }] },
      component: imageComponent(m),
    },
    components: m.components.map(component),
    dependencies,
  };
  // A serial number that changes exactly when the content does.
  const digest = createHash("sha256").update(canonicalJson(doc)).digest("hex");
  doc["serialNumber"] = `urn:uuid:${uuidV5(URL_NAMESPACE, `cognix:sbom:${digest}`)}`;
  return canonicalJson(doc);
}
