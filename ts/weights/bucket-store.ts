import type { LockedFile } from "./lock-file.ts";

export interface StoredObject {
  size: number;
  /** The sha256 in the object's metadata, when it has one. */
  sha256: string | null;
}

/** A bucket push-weights uploads to (S3 or Cloud Storage), by object key. */
export interface BucketStore {
  /** The URL a lock records: readable without credentials when the bucket is public. */
  url(key: string): string;
  /** null when there is no such object. */
  stat(key: string): Promise<StoredObject | null>;
  /** Uploads the local file holding `f`'s verified bytes, with its sha256 in the object's metadata. */
  put(key: string, path: string, f: LockedFile): Promise<void>;
}

export interface StoreOptions {
  env: NodeJS.ProcessEnv;
  /** Bytes per upload request (S3 part, Cloud Storage chunk). */
  partSize: number;
  /** Canned ACL (S3 spelling), for buckets that still use ACLs. */
  acl?: string;
}
