import { CognixError } from "../../util/errors.ts";
import type { BucketStore, StoreOptions } from "../bucket-store.ts";
import { predefinedAcl } from "./acl.ts";
import { GcsClient } from "./client.ts";
import { gcsConfigFromEnv } from "./config.ts";
import { CHUNK_UNIT, uploadObject } from "./upload.ts";

/** A Cloud Storage bucket through the JSON API; objects carry metadata.sha256. */
export function gcsStore(bucket: string, opts: StoreOptions): BucketStore {
  if (opts.partSize % CHUNK_UNIT !== 0) {
    throw new CognixError({ path: ["--part-size"], message: `gs:// uploads in chunks that are multiples of ${CHUNK_UNIT} bytes (256 KiB); got ${opts.partSize}` }, 2);
  }
  const acl = opts.acl === undefined ? undefined : predefinedAcl(opts.acl);
  const client = new GcsClient(gcsConfigFromEnv(opts.env));
  return {
    url: (key) => client.objectUrl(bucket, key),
    stat: (key) => client.stat(bucket, key),
    put: (key, path, f) =>
      uploadObject(client, { bucket, name: key, path, size: f.size, metadata: { sha256: f.sha256 }, chunkSize: opts.partSize, ...(acl ? { predefinedAcl: acl } : {}) }),
  };
}
