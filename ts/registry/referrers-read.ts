import { CognixError } from "../util/errors.ts";
import { RegistryClient } from "./client.ts";
import { findCredentials, primaryCredentialFile } from "./credentials.ts";
import { parseImageManifest } from "./manifest.ts";
import { parseArtifactManifest, type ReferrerDescriptor } from "./referrers.ts";
import { referrersFromApi, referrersFromTag } from "./referrers-push.ts";
import { formatReference, parseReference } from "./reference.ts";
import { defaultRetryPolicy } from "../http/retry.ts";

const MAX_CANDIDATES = 32;

export interface FetchReferrerOptions {
  ref: string;
  artifactType: string;
  insecure?: boolean;
  authFile?: string;
  env?: NodeJS.ProcessEnv;
  /** An image config label naming the blob to pick when the image has several such referrers. */
  label?: string;
}

export interface FetchedReferrer {
  /** The image manifest the artifact refers to. */
  subject: string;
  /** The artifact manifest. */
  manifest: string;
  /** The document's digest (checked while reading it). */
  blob: string;
  bytes: Buffer;
  via: "api" | "tag";
}

function configLabels(body: Buffer): Record<string, string> {
  try {
    const c = JSON.parse(body.toString("utf8")) as { config?: { Labels?: Record<string, string> | null } };
    return c.config?.Labels ?? {};
  } catch {
    return {};
  }
}

/** Reads back an artifact attached to an image (`cognix sbom --from-registry REF`). */
export async function fetchReferrer(opts: FetchReferrerOptions): Promise<FetchedReferrer> {
  const ref = parseReference(opts.ref);
  const env = opts.env ?? process.env;
  const credOpts = opts.authFile !== undefined ? { authFile: opts.authFile, env } : { env };
  const client = new RegistryClient({
    host: ref.apiHost,
    insecure: opts.insecure === true,
    retry: defaultRetryPolicy,
    maxSockets: 4,
    credentials: () => findCredentials(ref.domain, ref.name, credOpts),
    credentialFile: primaryCredentialFile(credOpts),
  });
  const shown = formatReference(ref);
  try {
    const image = await client.getManifest(ref.name, ref.digest ?? ref.tag ?? "latest");
    if (image === undefined) throw new CognixError({ message: `${shown}: no such image in the registry` });
    const subject = image.digest;
    const fromApi = await referrersFromApi(client, ref.name, subject);
    const listed: ReferrerDescriptor[] = fromApi ?? (await referrersFromTag(client, ref.name, subject));
    const candidates: { manifest: string; layer: { digest: string; size: number } }[] = [];
    // Each candidate costs a request: a registry listing thousands gets the first few.
    const wanted = listed.filter((d) => d.artifactType === undefined || d.artifactType === opts.artifactType).slice(0, MAX_CANDIDATES);
    for (const d of wanted) {
      const m = await client.getManifest(ref.name, d.digest);
      const parsed = m === undefined ? undefined : parseArtifactManifest(m.body);
      if (parsed === undefined || parsed.artifactType !== opts.artifactType) continue;
      if (parsed.subject.digest !== subject) continue;
      candidates.push({ manifest: d.digest, layer: parsed.layer });
    }
    if (candidates.length === 0) throw new CognixError({ message: `${shown} (${subject}) has no ${opts.artifactType} referrer` });
    let chosen = candidates.length === 1 ? candidates[0] : undefined;
    if (opts.label !== undefined) {
      const parsedImage = parseImageManifest(image.mediaType, image.body);
      const config = parsedImage === undefined ? undefined : await client.getBlob(ref.name, parsedImage.config.digest);
      const named = config === undefined ? undefined : configLabels(config)[opts.label];
      if (named !== undefined) {
        chosen = candidates.find((c) => c.layer.digest === named);
        if (chosen === undefined) {
          throw new CognixError({ message: `${shown}: its label ${opts.label} names ${named}, but no ${opts.artifactType} referrer holds that document` });
        }
      }
    }
    if (chosen === undefined) {
      throw new CognixError({ message: `${shown} has ${candidates.length} ${opts.artifactType} referrers and no label saying which is its own` });
    }
    const bytes = await client.getBlob(ref.name, chosen.layer.digest);
    if (bytes === undefined || bytes.length !== chosen.layer.size) {
      throw new CognixError({ message: `${shown}: the document ${chosen.layer.digest} is missing or does not hash to its digest` });
    }
    return { subject, manifest: chosen.manifest, blob: chosen.layer.digest, bytes, via: fromApi !== undefined ? "api" : "tag" };
  } finally {
    client.close();
  }
}
