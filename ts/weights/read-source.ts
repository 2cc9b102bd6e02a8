import { S3Client } from "./s3/client.ts";
import { s3ConfigFromEnv } from "./s3/config.ts";
import type { ListedFile } from "./sources/listed-file.ts";
import { fetchAndHash, hashStream, type Fetched } from "./fetch-file.ts";

/** Hashes (and optionally saves) a listed file's bytes, however its source is read. */
export async function readListedFile(f: ListedFile, env: NodeJS.ProcessEnv, file?: string): Promise<Fetched> {
  if ("url" in f.fetch) return fetchAndHash(f.fetch.url, { headers: f.fetch.headers, ...(file !== undefined ? { file } : {}) });
  const { bucket, key } = f.fetch.s3;
  const res = await new S3Client(s3ConfigFromEnv(env)).getObject(bucket, key);
  return hashStream(res.body, file !== undefined ? { file } : {});
}
