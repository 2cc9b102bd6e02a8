import { OciWeightsClient, TITLE_ANNOTATION, type ArtifactManifest } from "../oci/client.ts";
import type { ListedFile, Listing } from "./listed-file.ts";

/**
 * An OCI artifact whose layers carry `org.opencontainers.image.title`: each
 * such layer is a file, and its digest is the file's sha256. A tag is pinned
 * by recording blob URLs, which are content-addressed.
 */
export async function listOci(
  src: { registry: string; repository: string; reference: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Listing> {
  const client = new OciWeightsClient(src.registry, src.repository, env);
  let manifest: ArtifactManifest;
  try {
    manifest = await client.getManifest(src.reference);
  } finally {
    client.close();
  }
  const files: ListedFile[] = [];
  for (const layer of manifest.layers ?? []) {
    const title = layer.annotations?.[TITLE_ANNOTATION];
    const m = /^sha256:([0-9a-f]{64})$/.exec(layer.digest);
    if (title === undefined || m === null) continue;
    const url = client.blobUrl(layer.digest);
    files.push({ path: title, size: layer.size, sha256: m[1]!, url, fetch: { url, headers: {} } });
  }
  if (files.length === 0) throw new Error(`oci://${src.registry}/${src.repository}:${src.reference} has no titled layers`);
  return { files, notes: [] };
}
