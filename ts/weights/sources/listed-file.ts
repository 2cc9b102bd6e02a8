/** A file a source offers, before include/exclude and hashing. */
export interface ListedFile {
  /** Relative to the set's target. */
  path: string;
  size: number;
  /** From the source's metadata when it has one; null means "download to hash". */
  sha256: string | null;
  /** The URL recorded in the lock (what build and run time fetch). */
  url: string;
  /** How to read the bytes at lock/push time (may be signed, may need a token). */
  fetch: { url: string; headers: Record<string, string> } | { s3: { bucket: string; key: string } };
}

export interface Listing {
  files: ListedFile[];
  /** Notes for the user, e.g. a moving revision resolved to a commit. */
  notes: string[];
}
