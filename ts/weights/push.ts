import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CognixError } from "../util/errors.ts";
import { fetchAndHash } from "./fetch-file.ts";
import type { LockedFile, WeightsLock } from "./lock-file.ts";
import {
  EMPTY_CONFIG_TYPE,
  OCI_MANIFEST,
  OciWeightsClient,
  TITLE_ANNOTATION,
  WEIGHTS_ARTIFACT_TYPE,
  WEIGHTS_LAYER_TYPE,
  type ArtifactManifest,
} from "./oci/client.ts";
import type { BucketStore } from "./bucket-store.ts";
import { gcsStore } from "./gcs/store.ts";
import { objectKey, type PushDestination } from "./push-destination.ts";
import { s3Store } from "./s3/store.ts";

export interface PushOptions {
  env?: NodeJS.ProcessEnv;
  /** Only these sets (default: all in the lock). */
  sets?: string[];
  /** A directory holding the files at <dir>/<set>/<path> or <dir>/<path>, read instead of downloading. */
  fromDir?: string;
  /** Bytes per upload request: files larger than this go up in parts (S3) or chunks (Cloud Storage, a multiple of 256 KiB). */
  partSize?: number;
  /** Files pushed at once. */
  concurrency?: number;
  /** Canned ACL for uploaded objects (e.g. public-read), for buckets that still use ACLs. */
  acl?: string;
  /** Public base URL recorded instead of the endpoint's path-style URL (e.g. a CDN). */
  publicBaseUrl?: string;
  onProgress?: (e: { done: number; total: number; bytes: number; file: string }) => void;
}

export interface PushedFile {
  set: string;
  path: string;
  sha256: string;
  size: number;
  url: string;
  /** false: it was already there. */
  uploaded: boolean;
}

export interface PushResult {
  lock: WeightsLock;
  files: PushedFile[];
  manifests: { set: string; reference: string; digest: string }[];
}

const DEFAULT_PART = 64 << 20;

/** A pushed copy is tried first; the source stays as a fallback. */
function withUrlFirst(f: LockedFile, url: string): LockedFile {
  return { ...f, urls: [url, ...f.urls.filter((u) => u !== url)] };
}

function hfHeaders(url: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const token = env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  const host = new URL(url).host;
  const hfHost = new URL(env.HF_ENDPOINT ?? "https://huggingface.co").host;
  return token && host === hfHost ? { authorization: `Bearer ${token}` } : {};
}

/** Gets the file's verified bytes into a local file: from fromDir, else from its URLs in order. */
async function obtain(set: string, f: LockedFile, opts: PushOptions, scratch: string, skipUrl: string): Promise<string> {
  const env = opts.env ?? process.env;
  if (opts.fromDir !== undefined) {
    for (const candidate of [join(opts.fromDir, set, f.path), join(opts.fromDir, f.path)]) {
      if (existsSync(candidate) && statSync(candidate).size === f.size && (await sha256File(candidate)) === f.sha256) return candidate;
    }
  }
  const file = join(scratch, f.sha256);
  const errors: string[] = [];
  for (const url of f.urls) {
    if (url === skipUrl) continue;
    try {
      const got = await fetchAndHash(url, { file, headers: hfHeaders(url, env) });
      if (got.sha256 === f.sha256 && got.size === f.size) return file;
      errors.push(`${url}: sha256 ${got.sha256} (${got.size} bytes), expected ${f.sha256} (${f.size} bytes)`);
    } catch (err) {
      errors.push(`${url}: ${(err as Error).message}`);
    }
    rmSync(file, { force: true });
  }
  throw new CognixError({ path: ["sets", set, "files", f.path], message: `cannot get the file's bytes: ${errors.join("; ")}` });
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

function bucketStore(dest: PushDestination, opts: PushOptions): BucketStore | null {
  if (dest.kind === "oci") return null;
  const storeOpts = { env: opts.env ?? process.env, partSize: opts.partSize ?? DEFAULT_PART, ...(opts.acl !== undefined ? { acl: opts.acl } : {}) };
  return dest.kind === "s3" ? s3Store(dest.bucket, storeOpts) : gcsStore(dest.bucket, storeOpts);
}

/** Runs `fn` over `items`, `limit` at a time, keeping result order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * Uploads the lock's files to a bucket (content-addressed keys) or an OCI
 * registry (one artifact per set, blobs by digest), skipping what is already
 * there, and returns the lock with the pushed URL first in each file's `urls`.
 */
export async function pushWeights(lock: WeightsLock, dest: PushDestination, opts: PushOptions = {}): Promise<PushResult> {
  const env = opts.env ?? process.env;
  const names = opts.sets ?? Object.keys(lock.sets).sort();
  for (const n of names) if (!lock.sets[n]) throw new CognixError({ path: ["sets", n], message: "no such weight set in the lock" });
  const jobs = names.flatMap((set) => lock.sets[set]!.files.map((f) => ({ set, f })));
  const total = jobs.length;
  let done = 0;
  let bytes = 0;
  const store = bucketStore(dest, opts);
  const scratch = mkdtempSync(join(tmpdir(), "cognix-push-weights-"));
  const oci = dest.kind === "oci" ? new OciWeightsClient(dest.registry, dest.repository, env) : null;
  const base = opts.publicBaseUrl?.replace(/\/+$/, "");
  try {
    const pushed = await mapLimit(jobs, opts.concurrency ?? 4, async ({ set, f }): Promise<PushedFile> => {
      let url: string;
      let uploaded = false;
      if (store !== null && dest.kind !== "oci") {
        const key = objectKey(dest.prefix, f.sha256);
        url = base ? `${base}/${key}` : store.url(key);
        const head = await store.stat(key);
        if (head === null || head.size !== f.size || (head.sha256 !== null && head.sha256 !== f.sha256)) {
          const path = await obtain(set, f, opts, scratch, url);
          await store.put(key, path, f);
          if (path.startsWith(scratch)) rmSync(path, { force: true });
          uploaded = true;
        }
      } else {
        const digest = `sha256:${f.sha256}`;
        url = oci!.blobUrl(digest);
        if (!(await oci!.blobExists(digest))) {
          const path = await obtain(set, f, opts, scratch, url);
          await oci!.uploadBlob(digest, f.size, () => createReadStream(path));
          if (path.startsWith(scratch)) rmSync(path, { force: true });
          uploaded = true;
        }
      }
      done++;
      if (uploaded) bytes += f.size;
      opts.onProgress?.({ done, total, bytes, file: `${set}/${f.path}` });
      return { set, path: f.path, sha256: f.sha256, size: f.size, url, uploaded };
    });

    const manifests: PushResult["manifests"] = [];
    if (oci !== null && dest.kind === "oci") {
      // An artifact per set keeps its blobs referenced (safe from registry GC) and listable by `oci://` sources.
      const config = Buffer.from("{}");
      const configDigest = `sha256:${createHash("sha256").update(config).digest("hex")}`;
      if (!(await oci.blobExists(configDigest))) await oci.uploadBlob(configDigest, config.length, () => config);
      for (const set of names) {
        const files = [...lock.sets[set]!.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        const manifest: ArtifactManifest = {
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          artifactType: WEIGHTS_ARTIFACT_TYPE,
          config: { mediaType: EMPTY_CONFIG_TYPE, digest: configDigest, size: config.length },
          layers: files.map((f) => ({
            mediaType: WEIGHTS_LAYER_TYPE,
            digest: `sha256:${f.sha256}`,
            size: f.size,
            annotations: { [TITLE_ANNOTATION]: f.path },
          })),
        };
        const bytesOut = Buffer.from(JSON.stringify(manifest));
        const reference = dest.tag === null ? set : `${dest.tag}-${set}`;
        await oci.putManifest(reference, bytesOut);
        manifests.push({ set, reference, digest: `sha256:${createHash("sha256").update(bytesOut).digest("hex")}` });
      }
    }

    const byKey = new Map(pushed.map((p) => [`${p.set}\0${p.path}`, p.url]));
    const sets = Object.fromEntries(
      Object.entries(lock.sets).map(([name, s]) => [
        name,
        { ...s, files: s.files.map((f) => (byKey.has(`${name}\0${f.path}`) ? withUrlFirst(f, byKey.get(`${name}\0${f.path}`)!) : f)) },
      ]),
    );
    return { lock: { formatVersion: 1, sets }, files: pushed, manifests };
  } finally {
    oci?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
