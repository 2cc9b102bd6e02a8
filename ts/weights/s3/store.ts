import type { BucketStore, StoreOptions } from "../bucket-store.ts";
import { readPart } from "../file-part.ts";
import { S3Client } from "./client.ts";
import { s3ConfigFromEnv } from "./config.ts";

/** An S3 bucket: objects carry x-amz-meta-sha256; files above the part size go up in parts. */
export function s3Store(bucket: string, opts: StoreOptions): BucketStore {
  const client = new S3Client(s3ConfigFromEnv(opts.env));
  const { partSize, acl } = opts;
  return {
    url: (key) => client.objectUrl(bucket, key),
    stat: (key) => client.headObject(bucket, key),
    async put(key, path, f) {
      const meta = { sha256: f.sha256 };
      if (f.size <= partSize) {
        await client.putObject(bucket, key, readPart(path, 0, f.size), meta, acl);
        return;
      }
      const uploadId = await client.createMultipartUpload(bucket, key, meta, acl);
      try {
        const etags: string[] = [];
        for (let off = 0, n = 1; off < f.size; off += partSize, n++) {
          etags.push(await client.uploadPart(bucket, key, uploadId, n, readPart(path, off, Math.min(partSize, f.size - off))));
        }
        await client.completeMultipartUpload(bucket, key, uploadId, etags);
      } catch (err) {
        await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
        throw err;
      }
    },
  };
}
