import { Readable } from "node:stream";
import { CognixError } from "../util/errors.ts";
import type { Progress } from "../util/progress.ts";
import { pullScope, pushScope, type RegistryClient } from "./client.ts";
import { header } from "../http/types.ts";
import type { Descriptor } from "./manifest.ts";
import { OCI_MANIFEST } from "./manifest.ts";
import { artifactManifest, EMPTY_CONFIG, OCI_INDEX, parseReferrersIndex, referrersIndex, referrersTag, sha256, type ReferrerArtifact, type ReferrerDescriptor } from "./referrers.ts";
import { withRetry, type RetryPolicy } from "../http/retry.ts";

export interface ReferrerResult {
  artifactType: string;
  /** The artifact manifest's digest. */
  digest: string;
  /** Its single blob (the document). */
  blob: string;
  outcome: "pushed" | "skipped";
  /** How the registry lists it: its referrers API, or the `sha256-<hex>` tag index. */
  via: "api" | "tag";
}

/**
 * The subject's referrers from the registry's API, or undefined when it has
 * none (a registry with the API never answers 404 to it).
 */
export async function referrersFromApi(client: RegistryClient, name: string, subject: string): Promise<ReferrerDescriptor[] | undefined> {
  const res = await client.request({ method: "GET", url: client.url(`/v2/${name}/referrers/${subject}`), headers: { Accept: OCI_INDEX } }, [pullScope(name)]);
  if (res.status !== 200) return undefined;
  const list = parseReferrersIndex(res.body);
  if (list === undefined) throw new CognixError({ message: `${name}: the registry's referrers API answered something that is not an image index` });
  return list;
}

/** The tag schema's index for the subject (empty when the tag does not exist). */
export async function referrersFromTag(client: RegistryClient, name: string, subject: string): Promise<ReferrerDescriptor[]> {
  const m = await client.getManifest(name, referrersTag(subject));
  if (m === undefined) return [];
  const list = parseReferrersIndex(m.body);
  if (list === undefined) throw new CognixError({ message: `${name}:${referrersTag(subject)} is not an image index: the referrers tag is taken by something else` });
  return list;
}

async function ensureBlob(client: RegistryClient, name: string, bytes: Buffer, retry: RetryPolicy): Promise<void> {
  const digest = sha256(bytes);
  if ((await client.blobSize(name, digest)) === bytes.length) return;
  await withRetry(
    retry,
    () => client.uploadBlob(name, digest, bytes.length, () => Readable.from([bytes])),
    (err, n) => client.giveUp(`upload of ${digest}`, err, n),
  );
}

async function manifestPresent(client: RegistryClient, name: string, digest: string): Promise<boolean> {
  const res = await client.request({ method: "HEAD", url: client.url(`/v2/${name}/manifests/${digest}`), headers: { Accept: OCI_MANIFEST } }, [pullScope(name)]);
  return res.status === 200;
}

async function putManifest(client: RegistryClient, name: string, reference: string, mediaType: string, body: Buffer): Promise<{ digest: string; subject?: string }> {
  const res = await client.request({ method: "PUT", url: client.url(`/v2/${name}/manifests/${reference}`), headers: { "Content-Type": mediaType }, body }, [pushScope(name)]);
  if (res.status !== 201 && res.status !== 200) throw client.unexpected(`PUT manifest ${reference}`, name, res);
  const out: { digest: string; subject?: string } = { digest: header(res, "docker-content-digest") ?? sha256(body) };
  const subject = header(res, "oci-subject");
  if (subject !== undefined) out.subject = subject;
  return out;
}

/**
 * Attaches each artifact to `subject` (an image manifest in repository
 * `name`) as an OCI 1.1 referrer. With the referrers API the registry lists
 * it; without, the `sha256-<hex>` tag index the distribution spec defines
 * does. Nothing is uploaded when the registry already lists the artifact.
 */
export async function pushReferrers(
  client: RegistryClient,
  name: string,
  subject: Descriptor,
  artifacts: readonly ReferrerArtifact[],
  retry: RetryPolicy,
  progress: Progress,
): Promise<ReferrerResult[]> {
  const results: ReferrerResult[] = [];
  for (const artifact of artifacts) {
    const label = `referrer ${artifact.title}`;
    progress.update(label, "checking");
    const m = artifactManifest(artifact, subject);
    const base = { artifactType: artifact.artifactType, digest: m.digest, blob: sha256(artifact.bytes) };
    const fromApi = await referrersFromApi(client, name, subject.digest);
    const listed = fromApi ?? (await referrersFromTag(client, name, subject.digest));
    if (listed.some((d) => d.digest === m.digest) && (await manifestPresent(client, name, m.digest))) {
      progress.update(label, "exists");
      results.push({ ...base, outcome: "skipped", via: fromApi !== undefined ? "api" : "tag" });
      continue;
    }
    progress.update(label, "pushing");
    await ensureBlob(client, name, EMPTY_CONFIG, retry);
    await ensureBlob(client, name, artifact.bytes, retry);
    const put = await putManifest(client, name, m.digest, OCI_MANIFEST, m.bytes);
    if (put.digest !== m.digest) throw new CognixError({ message: `${name}: the registry stored the ${artifact.title} manifest as ${put.digest}, expected ${m.digest}` });
    // A registry that says OCI-Subject keeps the referrers list itself.
    const api = fromApi !== undefined || put.subject === subject.digest;
    if (!api) await putManifest(client, name, referrersTag(subject.digest), OCI_INDEX, referrersIndex(listed, m.descriptor));
    progress.update(label, "pushed");
    results.push({ ...base, outcome: "pushed", via: api ? "api" : "tag" });
  }
  return results;
}
