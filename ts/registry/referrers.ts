import { createHash } from "node:crypto";
import { sortKeys } from "../util/canonical-json.ts";
import type { Descriptor } from "./manifest.ts";
import { OCI_MANIFEST } from "./manifest.ts";
import { isObject, parseJson } from "../util/json-data.ts";

/** OCI 1.1 referrers: artifact manifests that name an image manifest as their `subject`. */

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_EMPTY = "application/vnd.oci.empty.v1+json";
/** The empty JSON object `{}`, the config of an artifact that has none. */
export const EMPTY_CONFIG = Buffer.from("{}", "utf8");

/** One document to attach to an image, e.g. its SBOM. */
export interface ReferrerArtifact {
  artifactType: string;
  /** Media type of the single layer (the document itself). */
  mediaType: string;
  bytes: Buffer;
  /** Name shown by tools (`org.opencontainers.image.title`). */
  title: string;
  /** RFC 3339 time for `org.opencontainers.image.created`: fixed, so the manifest is the same every push. */
  created: string;
}

export interface ReferrerDescriptor extends Descriptor {
  artifactType?: string;
  annotations?: Record<string, string>;
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The artifact manifest: same artifact and subject, same bytes (sorted keys, no spaces). */
export function artifactManifest(artifact: ReferrerArtifact, subject: Descriptor): { bytes: Buffer; digest: string; descriptor: ReferrerDescriptor } {
  const annotations = { "org.opencontainers.image.created": artifact.created };
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: artifact.artifactType,
    config: { mediaType: OCI_EMPTY, digest: sha256(EMPTY_CONFIG), size: EMPTY_CONFIG.length, data: EMPTY_CONFIG.toString("base64") },
    layers: [
      {
        mediaType: artifact.mediaType,
        digest: sha256(artifact.bytes),
        size: artifact.bytes.length,
        annotations: { "org.opencontainers.image.title": artifact.title },
      },
    ],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const bytes = Buffer.from(JSON.stringify(sortKeys(manifest)), "utf8");
  const digest = sha256(bytes);
  return { bytes, digest, descriptor: { mediaType: OCI_MANIFEST, digest, size: bytes.length, artifactType: artifact.artifactType, annotations } };
}

/** The referrers tag schema's tag for a subject: `sha256-<hex>` (OCI distribution spec 1.1). */
export function referrersTag(subjectDigest: string): string {
  return subjectDigest.replace(":", "-");
}

/** The descriptors of a referrers index (what the API returns, or the tag schema's index); undefined when it is not one. */
export function parseReferrersIndex(body: Buffer): ReferrerDescriptor[] | undefined {
  const doc = parseJson(body);
  if (!isObject(doc) || !Array.isArray(doc["manifests"])) return undefined;
  const out: ReferrerDescriptor[] = [];
  for (const m of doc["manifests"]) {
    if (!isObject(m) || typeof m["digest"] !== "string" || typeof m["mediaType"] !== "string" || typeof m["size"] !== "number") continue;
    const d: ReferrerDescriptor = { mediaType: m["mediaType"], digest: m["digest"], size: m["size"] };
    if (typeof m["artifactType"] === "string") d.artifactType = m["artifactType"];
    if (isObject(m["annotations"])) d.annotations = Object.fromEntries(Object.entries(m["annotations"]).filter((e): e is [string, string] => typeof e[1] === "string"));
    out.push(d);
  }
  return out;
}

/** The tag schema's index: what was there, with `added` in place of any entry of the same digest. */
export function referrersIndex(existing: readonly ReferrerDescriptor[], added: ReferrerDescriptor): Buffer {
  const manifests = [...existing.filter((d) => d.digest !== added.digest), added];
  return Buffer.from(JSON.stringify(sortKeys({ schemaVersion: 2, mediaType: OCI_INDEX, manifests })), "utf8");
}

/** The single layer of an artifact manifest and the subject it names; undefined for anything else. */
export function parseArtifactManifest(body: Buffer): { layer: Descriptor; subject: Descriptor; artifactType?: string } | undefined {
  const doc = parseJson(body);
  if (!isObject(doc) || !Array.isArray(doc["layers"]) || !isObject(doc["subject"])) return undefined;
  const desc = (v: unknown): Descriptor | undefined =>
    isObject(v) && typeof v["mediaType"] === "string" && typeof v["digest"] === "string" && typeof v["size"] === "number"
      ? { mediaType: v["mediaType"], digest: v["digest"], size: v["size"] }
      : undefined;
  const layer = desc(doc["layers"][0]);
  const subject = desc(doc["subject"]);
  if (layer === undefined || subject === undefined || doc["layers"].length !== 1) return undefined;
  const out: { layer: Descriptor; subject: Descriptor; artifactType?: string } = { layer, subject };
  if (typeof doc["artifactType"] === "string") out.artifactType = doc["artifactType"];
  return out;
}
