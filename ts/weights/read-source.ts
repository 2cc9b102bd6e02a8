import { S3Client } from "./s3/client.ts";
import { s3ConfigFromEnv } from "./s3/config.ts";
import type { ListedFile } from "./sources/listed-file.ts";
import { fetchAndHash, type Fetched } from "./fetch-file.ts";
import { createHash } from "node:crypto";
import { createWriteStream, rmSync } from "node:fs";
import { once } from "node:events";

/** Hashes (and optionally saves) a listed file's bytes, however its source is read. */
export async function readListedFile(f: ListedFile, env: NodeJS.ProcessEnv, file?: string): Promise<Fetched> {
  if ("url" in f.fetch) return fetchAndHash(f.fetch.url, { headers: f.fetch.headers, ...(file !== undefined ? { file } : {}) });
  const { kind, bucket, key } = f.fetch.s3;
  const res = await new S3Client(s3ConfigFromEnv(kind, env)).getObject(bucket, key);
  const hash = createHash("sha256");
  const out = file === undefined ? null : createWriteStream(file);
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const b = chunk as Buffer;
      hash.update(b);
      size += b.length;
      if (out !== null && !out.write(b)) await once(out, "drain");
    }
    if (out !== null) {
      out.end();
      await once(out, "finish");
    }
  } catch (err) {
    out?.destroy();
    if (file !== undefined) rmSync(file, { force: true });
    throw err;
  }
  return { size, sha256: hash.digest("hex") };
}
