import { GcsClient, type GcsObject } from "../gcs/client.ts";
import { gcsConfigFromEnv } from "../gcs/config.ts";
import type { ListedFile, Listing } from "./listed-file.ts";

/**
 * gs://bucket/name is one object when `name` names one, else every object
 * under `name/`. Sizes and metadata.sha256 (push-weights sets it) come with
 * the listing; an object without it is read through the JSON API to hash it.
 * The lock records the object's public URL.
 */
export async function listGcs(src: { bucket: string; key: string }, env: NodeJS.ProcessEnv = process.env): Promise<Listing> {
  const client = new GcsClient(gcsConfigFromEnv(env));
  const key = src.key.replace(/\/+$/, "");
  const entry = (obj: GcsObject, path: string): ListedFile => {
    const media = client.mediaUrl(src.bucket, obj.name);
    return { path, size: obj.size, sha256: obj.sha256, url: client.objectUrl(src.bucket, obj.name), fetch: { url: media, headers: client.authHeaders(media) } };
  };
  if (key !== "" && !src.key.endsWith("/")) {
    const one = await client.stat(src.bucket, key);
    if (one !== null) return { files: [entry(one, key.slice(key.lastIndexOf("/") + 1))], notes: [] };
  }
  const prefix = key === "" ? "" : `${key}/`;
  const files = (await client.list(src.bucket, prefix))
    .filter((obj) => !obj.name.endsWith("/")) // folder placeholders
    .map((obj) => entry(obj, obj.name.slice(prefix.length)));
  if (files.length === 0) throw new Error(`no objects at gs://${src.bucket}/${src.key}`);
  return { files, notes: [] };
}
