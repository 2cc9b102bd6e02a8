import { createHash } from "node:crypto";
import { canonicalJson } from "../util/canonical-json.ts";
import type { BomModel, Component } from "./model.ts";
import { parseStorePath } from "./store-path.ts";
import { utcSeconds } from "./timestamp.ts";
import { URL_NAMESPACE, uuidV5 } from "./uuid.ts";

type Json = Record<string, unknown>;

const PURPOSE: Record<Component["kind"], string> = {
  nix: "LIBRARY",
  python: "LIBRARY",
  "weight-set": "OTHER",
  "weight-file": "FILE",
  nixpkgs: "SOURCE",
};

/** SPDX identifiers allow letters, digits, `.` and `-` only. */
function idPart(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, "-");
}

/** Unique, stable SPDX identifiers: store paths by their hash, weights by set and file index. */
function spdxIds(m: BomModel): Map<string, string> {
  const ids = new Map<string, string>();
  for (const c of m.components) {
    if (c.storePath !== undefined) ids.set(c.ref, `SPDXRef-Nix-${parseStorePath(c.storePath).hash}`);
    else if (c.kind === "nixpkgs") ids.set(c.ref, "SPDXRef-Nixpkgs");
    else ids.set(c.ref, `SPDXRef-Weights-${idPart(c.name)}-${createHash("sha256").update(c.ref).digest("hex").slice(0, 12)}`);
    c.children.forEach((child) => ids.set(child.ref, `SPDXRef-File-${createHash("sha256").update(child.ref).digest("hex").slice(0, 16)}`));
  }
  return ids;
}

function comment(c: Component): string | undefined {
  const parts: string[] = [];
  if (c.storePath !== undefined) parts.push(`Nix store path ${c.storePath}`);
  if (c.narSha256 !== undefined) parts.push(`NAR sha256:${c.narSha256}, ${c.narSize ?? 0} bytes`);
  if (c.layer !== undefined) parts.push(`in image layer ${c.layer}`);
  if (c.versionSource !== undefined) parts.push(`name and version from the ${c.versionSource}`);
  if (c.weights !== undefined) {
    parts.push(`weight set ${c.weights.set} from ${c.weights.source} at ${c.weights.target} (${c.weights.mode === "build" ? "in the image" : "downloaded when the container starts"})`);
    if (c.weights.size !== undefined) parts.push(`${c.weights.size} bytes`);
  }
  return parts.length === 0 ? undefined : `${parts.join("; ")}.`;
}

function spdxPackage(c: Component, id: string): Json {
  const p: Json = {
    SPDXID: id,
    name: c.name,
    downloadLocation: c.downloads[0] ?? "NOASSERTION",
    filesAnalyzed: false,
    primaryPackagePurpose: PURPOSE[c.kind],
  };
  if (c.version !== undefined) p["versionInfo"] = c.version;
  if (c.sha256 !== undefined) p["checksums"] = [{ algorithm: "SHA256", checksumValue: c.sha256 }];
  if (c.purl !== undefined) p["externalRefs"] = [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: c.purl }];
  if (c.kind === "python" && c.downloads[0] !== undefined) p["packageFileName"] = decodeURIComponent(c.downloads[0].slice(c.downloads[0].lastIndexOf("/") + 1));
  if (c.kind === "nixpkgs") p["downloadLocation"] = `git+https://github.com/NixOS/nixpkgs@${c.version ?? ""}`;
  const text = comment(c);
  if (text !== undefined) p["comment"] = text;
  return p;
}

/** The SPDX 2.3 JSON document of the same model: canonical bytes. */
export function spdxDocument(m: BomModel): string {
  const ids = spdxIds(m);
  const s = m.subject;
  const image: Json = {
    SPDXID: "SPDXRef-Image",
    name: s.name,
    versionInfo: s.tag,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    primaryPackagePurpose: "CONTAINER",
    comment: `OCI image (${s.os}/${s.architecture}) whose config has rootfs ${s.rootfsDigest}: layers ${s.diffIds.join(", ")}.`,
  };
  const packages: Json[] = [image];
  const relationships: Json[] = [{ spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: "SPDXRef-Image" }];
  const rel = (from: string, type: string, to: string): void => {
    relationships.push({ spdxElementId: from, relationshipType: type, relatedSpdxElement: to });
  };
  for (const c of m.components) {
    const id = ids.get(c.ref) as string;
    packages.push(spdxPackage(c, id));
    if (c.storePath !== undefined) rel("SPDXRef-Image", "CONTAINS", id);
    for (const dep of [...c.dependsOn].sort()) rel(id, "DEPENDS_ON", ids.get(dep) as string);
    for (const child of c.children) {
      const cid = ids.get(child.ref) as string;
      packages.push(spdxPackage(child, cid));
      rel(id, "CONTAINS", cid);
    }
  }
  for (const root of m.roots) if (root.startsWith("weights:")) rel("SPDXRef-Image", "DEPENDS_ON", ids.get(root) as string);
  if (m.nixpkgsRevision !== undefined) rel("SPDXRef-Image", "GENERATED_FROM", "SPDXRef-Nixpkgs");
  const doc: Json = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `${s.name}:${s.tag}`,
    creationInfo: { created: utcSeconds(s.created), creators: ["Tool: cognix"] },
    packages,
    relationships,
  };
  const digest = createHash("sha256").update(canonicalJson(doc)).digest("hex");
  doc["documentNamespace"] = `urn:uuid:${uuidV5(URL_NAMESPACE, `cognix:spdx:${digest}`)}`;
  return canonicalJson(doc);
}
