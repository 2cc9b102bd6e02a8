import { S3Client } from "../s3/client.ts";
import { s3ConfigFromEnv } from "../s3/config.ts";
import type { ListedFile, Listing } from "./listed-file.ts";

/**
 * s3://bucket/key is one object when `key` names one, else every object
 * under `key/`. The sha256 comes from x-amz-meta-sha256 when the object has
 * it (push-weights sets it), else the file is downloaded to hash it.
 */
export async function listS3(src: { bucket: string; key: string }, env: NodeJS.ProcessEnv = process.env): Promise<Listing> {
  const client = new S3Client(s3ConfigFromEnv(env));
  const key = src.key.replace(/\/+$/, "");
  const files: ListedFile[] = [];
  const entry = (objKey: string, path: string, size: number, sha256: string | null): ListedFile => ({
    path,
    size,
    sha256,
    url: client.objectUrl(src.bucket, objKey),
    fetch: { s3: { bucket: src.bucket, key: objKey } },
  });
  if (key !== "" && !src.key.endsWith("/")) {
    const head = await client.headObject(src.bucket, key);
    if (head !== null) {
      files.push(entry(key, key.slice(key.lastIndexOf("/") + 1), head.size, head.sha256));
      return { files, notes: [] };
    }
  }
  const prefix = key === "" ? "" : `${key}/`;
  for (const obj of await client.listObjects(src.bucket, prefix)) {
    if (obj.key.endsWith("/")) continue; // folder placeholders
    const head = await client.headObject(src.bucket, obj.key);
    files.push(entry(obj.key, obj.key.slice(prefix.length), obj.size, head?.sha256 ?? null));
  }
  if (files.length === 0) throw new Error(`no objects at s3://${src.bucket}/${src.key}`);
  return { files, notes: [] };
}
