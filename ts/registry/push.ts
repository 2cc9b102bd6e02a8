import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { RegistryClient } from "./client.ts";
import { chooseCompression, compressedStream, compressToFile, compressionOf, LAYER_MEDIA_TYPES, type CompressingStream, type Compression } from "./compress.ts";
import { findCredentials, primaryCredentialFile } from "./credentials.ts";
import { REGISTRY_LIMITS } from "../http/limits.ts";
import { defaultRetryPolicy, withRetry, type RetryPolicy } from "../http/retry.ts";
import { defaultCacheDir, DigestCache } from "./digest-cache.ts";
import { buildManifest, diffIdsOf, mappingsFrom, OCI_CONFIG, OCI_MANIFEST, parseImageManifest, type Descriptor, type LayerMapping } from "./manifest.ts";
import { mapPool } from "./pool.ts";
import { DEFAULT_PUSH_JOBS } from "./push-defaults.ts";
import { silentProgress, TtyProgress, type Progress } from "../util/progress.ts";
import { formatReference, parseReference, type ImageReference } from "./reference.ts";
import type { ReferrerArtifact } from "./referrers.ts";
import { pushReferrers, type ReferrerResult } from "./referrers-push.ts";
import { StreamRefusedError, uploadStreamed } from "./streamed-upload.ts";

/** Pushes an image (config + uncompressed layer tars) to an OCI registry. */
export interface PushLayer {
  diffId: string;
  size: number;
  /** The uncompressed layer tar, the same bytes as `diffId`. */
  open(): NodeJS.ReadableStream;
}

export interface PushOptions {
  ref: string;
  configBlob: Buffer;
  layers: PushLayer[];
  /** Plain http to the registry (for a local one); never implied. */
  insecure?: boolean;
  compression?: "gzip" | "zstd";
  jobs?: number;
  cacheDir?: string;
  progress?: boolean;
  json?: boolean;
  authFile?: string;
  /** Deadline of each registry request in seconds, plus time for its body at 64 KiB/s. */
  timeoutSeconds?: number;
  /** Documents attached to the pushed manifest as OCI referrers (the image's SBOM). */
  referrers?: ReferrerArtifact[];
}

export interface PushResult {
  ref: string;
  digest: string;
  /** Blob digests (compressed layers, then the config) by what it took to have them in the repository. */
  uploaded: string[];
  skipped: string[];
  mounted: string[];
  referrers?: ReferrerResult[];
}

/** What a push needs from its surroundings; tests swap these. */
export interface PushDeps {
  retry: RetryPolicy;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  /** Blobs larger than this are uploaded from the spool file in PATCH chunks of this size. */
  chunkSize: number;
  /** Layers go up as they are compressed (else through a spool file, as when a registry refuses that). */
  streaming: boolean;
}

type Outcome = "skipped" | "uploaded" | "mounted";

interface BlobResult {
  descriptor: Descriptor;
  outcome: Outcome;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Older tags consulted for compressed digests when the cache has none. */
const MAX_TAGS_TRIED = 4;
const MAX_MOUNT_SOURCES = 3;
/** Concurrent HEAD requests when checking what the registry has. */
const HEAD_JOBS = 16;
const DEFAULT_CHUNK = 128 * 1024 * 1024;

export function pushImage(opts: PushOptions): Promise<PushResult> {
  return pushImageWith(opts, {});
}

function validate(opts: PushOptions): void {
  opts.layers.forEach((l, i) => {
    if (!DIGEST.test(l.diffId)) throw new CognixError({ path: ["layers", i, "diffId"], message: `"${l.diffId}" is not sha256:<64 hex digits>` });
  });
  const ids = diffIdsOf(opts.configBlob);
  if (ids === undefined) throw new CognixError({ path: ["config", "rootfs", "diff_ids"], message: "the image config has no rootfs.diff_ids list" });
  const want = opts.layers.map((l) => l.diffId);
  if (ids.length !== want.length || ids.some((d, i) => d !== want[i])) {
    throw new CognixError({ path: ["config", "rootfs", "diff_ids"], message: `the image config lists ${ids.length} layers that differ from the ${want.length} layers being pushed` });
  }
  if (opts.jobs !== undefined && (!Number.isInteger(opts.jobs) || opts.jobs < 1)) {
    throw new CognixError({ path: ["jobs"], message: `must be a positive integer, got ${opts.jobs}` });
  }
}

export async function pushImageWith(opts: PushOptions, overrides: Partial<PushDeps>): Promise<PushResult> {
  const deps: PushDeps = { retry: defaultRetryPolicy, env: process.env, stdout: process.stdout, stderr: process.stderr, chunkSize: DEFAULT_CHUNK, streaming: true, ...overrides };
  validate(opts);
  const ref = parseReference(opts.ref);
  const insecure = opts.insecure === true;
  const jobs = opts.jobs ?? DEFAULT_PUSH_JOBS;
  const { compression, note } = chooseCompression(opts.compression);
  const progress: Progress = (opts.progress ?? deps.stderr.isTTY === true) ? new TtyProgress(deps.stderr) : silentProgress;
  if (note !== undefined) deps.stderr.write(`warning: ${note}\n`);
  const credOpts = opts.authFile !== undefined ? { authFile: opts.authFile, env: deps.env } : { env: deps.env };
  const client = new RegistryClient({
    host: ref.apiHost,
    insecure,
    retry: deps.retry,
    maxSockets: Math.max(jobs, HEAD_JOBS) + 2,
    credentials: () => findCredentials(ref.domain, ref.name, credOpts),
    credentialFile: primaryCredentialFile(credOpts),
    onRetry: (what, err, attempt) => progress.note(`retrying ${what} (attempt ${attempt + 1}): ${(err as Error).message}`),
    limits: opts.timeoutSeconds === undefined ? REGISTRY_LIMITS : { ...REGISTRY_LIMITS, requestMs: opts.timeoutSeconds * 1000 },
  });
  const cache = new DigestCache(opts.cacheDir ?? defaultCacheDir(deps.env));
  const spool = mkdtempSync(join(tmpdir(), "cognix-push-"));
  const session = new PushSession(ref, client, cache, progress, compression, deps.retry, spool, deps.chunkSize, deps.streaming);
  try {
    const result = await session.run(opts, jobs);
    progress.finish();
    if (opts.json === true) deps.stdout.write(canonicalJson(result));
    return result;
  } finally {
    progress.finish();
    client.close();
    rmSync(spool, { recursive: true, force: true });
    try {
      cache.save();
    } catch (err) {
      deps.stderr.write(`warning: could not save the push cache in ${cache.dir}: ${(err as Error).message}\n`);
    }
  }
}

/** One push: the state shared by the per-blob tasks. */
class PushSession {
  private readonly repo: string;
  private readonly remote = new Map<string, LayerMapping>();
  private readonly checked = new Map<string, Promise<boolean>>();
  /** Cleared once the registry refuses a streamed upload: the other layers go through the spool. */
  private streaming: boolean;
  /** Whether the repository has no tag yet, asked once when first needed. */
  private isNew: Promise<boolean> | undefined;
  private existing: { mediaType: string; body: Buffer } | undefined;

  constructor(
    private readonly ref: ImageReference,
    private readonly client: RegistryClient,
    private readonly cache: DigestCache,
    private readonly progress: Progress,
    private readonly compression: Compression,
    private readonly retry: RetryPolicy,
    private readonly spool: string,
    private readonly chunkSize: number,
    streaming: boolean,
  ) {
    this.repo = `${ref.domain}/${ref.name}`;
    this.streaming = streaming;
  }

  async run(opts: PushOptions, jobs: number): Promise<PushResult> {
    const name = this.ref.name;
    const target = this.ref.tag ?? this.ref.digest ?? "latest";
    const existing = await this.client.getManifest(name, target);
    this.existing = existing;
    const unique = [...new Map(opts.layers.map((l) => [l.diffId, l])).values()];
    if (unique.some((l) => this.cache.get(l.diffId, this.compression) === undefined)) {
      await this.learnFromRegistry(existing, unique.map((l) => l.diffId));
    }
    const configDigest = `sha256:${createHash("sha256").update(opts.configBlob).digest("hex")}`;
    // HEADs are cheap: check every known blob at once, wider than the upload jobs.
    const known = unique.flatMap((l) => this.candidates(l.diffId));
    known.push({ digest: configDigest, size: opts.configBlob.length });
    await mapPool(known, Math.max(jobs, HEAD_JOBS), (c) => this.present(c.digest, c.size));
    // Largest first: with several in flight, the last to finish is a small one.
    const bySize = unique.map((l, i) => ({ l, label: `layer ${i + 1}/${unique.length}` })).sort((a, b) => b.l.size - a.l.size);
    const tasks: (() => Promise<BlobResult>)[] = bySize.map(({ l, label }) => () => this.pushLayer(l, label));
    tasks.push(() => this.pushConfig(opts.configBlob, configDigest));
    const results = await mapPool(tasks, jobs, (t) => t());
    const byDiffId = new Map(bySize.map(({ l }, k) => [l.diffId, results[k] as BlobResult]));
    const layers = opts.layers.map((l) => (byDiffId.get(l.diffId) as BlobResult).descriptor);
    const configResult = results[results.length - 1] as BlobResult;
    // Every blob above was confirmed (HEAD with matching digest and size, mount 201 or upload 201).
    const manifest = buildManifest(configResult.descriptor, layers);
    const digest = `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
    if (this.ref.digest !== undefined && this.ref.digest !== digest) {
      throw new CognixError({ message: `${opts.ref} names digest ${this.ref.digest} but the image's manifest is ${digest}` });
    }
    if (existing?.digest !== digest) {
      this.progress.update("manifest", "pushing");
      const stored = await this.client.putManifest(name, target, OCI_MANIFEST, manifest);
      if (stored !== digest) throw new CognixError({ message: `${this.ref.apiHost} stored the manifest as ${stored}, expected ${digest}` });
      this.progress.update("manifest", "pushed");
    }
    const referrers = opts.referrers === undefined || opts.referrers.length === 0
      ? undefined
      : await pushReferrers(this.client, name, { mediaType: OCI_MANIFEST, digest, size: manifest.length }, opts.referrers, this.retry, this.progress);
    if (this.ref.tag !== undefined) this.cache.rememberTag(this.repo, this.ref.tag);
    const pick = (o: Outcome): string[] => [...new Set(results.filter((r) => r.outcome === o).map((r) => r.descriptor.digest))];
    return {
      ref: formatReference(this.ref),
      digest,
      uploaded: pick("uploaded"),
      skipped: pick("skipped"),
      mounted: pick("mounted"),
      ...(referrers !== undefined ? { referrers } : {}),
    };
  }

  /**
   * With no cache entry, the registry itself says which compressed blob holds
   * which layer: manifest.layers[i] ↔ config.rootfs.diff_ids[i] of the image
   * at this tag (and tags pushed before). Unchecked (checking means
   * downloading the layer), so it is used for this registry only.
   */
  private async learnFromRegistry(existing: { mediaType: string; body: Buffer } | undefined, wanted: string[]): Promise<void> {
    const missing = new Set(wanted.filter((d) => this.cache.get(d, this.compression) === undefined));
    const tags = this.cache.tags(this.repo).filter((t) => t !== this.ref.tag).slice(0, MAX_TAGS_TRIED);
    const sources: (() => Promise<{ mediaType: string; body: Buffer } | undefined>)[] = [async () => existing];
    for (const t of tags) sources.push(() => this.client.getManifest(this.ref.name, t));
    for (const source of sources) {
      if (missing.size === 0) return;
      const m = await source();
      const parsed = m !== undefined ? parseImageManifest(m.mediaType, m.body) : undefined;
      if (parsed === undefined) continue;
      const config = await this.client.getBlob(this.ref.name, parsed.config.digest);
      const ids = config !== undefined ? diffIdsOf(config) : undefined;
      if (ids === undefined) continue;
      for (const map of mappingsFrom(parsed.layers, ids)) {
        if (compressionOf(map.mediaType) !== this.compression || !missing.has(map.diffId)) continue;
        this.remote.set(map.diffId, map);
        missing.delete(map.diffId);
      }
    }
  }

  /** Compressed forms of a layer known from the cache or the registry's manifests. */
  private candidates(diffId: string): { digest: string; size: number }[] {
    const out: { digest: string; size: number }[] = [];
    const cached = this.cache.get(diffId, this.compression);
    if (cached !== undefined) out.push({ digest: cached.digest, size: cached.size });
    const fromRemote = this.remote.get(diffId);
    if (fromRemote !== undefined && fromRemote.digest !== cached?.digest) out.push({ digest: fromRemote.digest, size: fromRemote.size });
    return out;
  }

  /** HEAD once per digest: present with this exact size. */
  private present(digest: string, size: number): Promise<boolean> {
    let p = this.checked.get(digest);
    if (p === undefined) {
      p = this.client.blobSize(this.ref.name, digest).then((s) => s === size);
      this.checked.set(digest, p);
    }
    return p;
  }

  private async pushLayer(layer: PushLayer, label: string): Promise<BlobResult> {
    const mediaType = LAYER_MEDIA_TYPES[this.compression];
    const cached = this.cache.get(layer.diffId, this.compression);
    const candidates = this.candidates(layer.diffId);
    this.progress.update(label, "checking");
    for (const c of candidates) {
      if (await this.present(c.digest, c.size)) {
        // The cache holds only mappings computed here; one a registry's manifest
        // claimed serves this push to that registry and is never remembered.
        if (c.digest === cached?.digest) this.cache.remember(layer.diffId, this.compression, c.digest, c.size, this.repo);
        this.progress.update(label, "exists");
        return { descriptor: { mediaType, digest: c.digest, size: c.size }, outcome: "skipped" };
      }
    }
    if (cached !== undefined) {
      const prefix = `${this.ref.domain}/`;
      const sources = cached.repos.filter((r) => r.startsWith(prefix) && r !== this.repo).reverse().slice(0, MAX_MOUNT_SOURCES);
      for (const from of sources) {
        if (await this.client.mountBlob(this.ref.name, cached.digest, from.slice(prefix.length))) {
          this.cache.remember(layer.diffId, this.compression, cached.digest, cached.size, this.repo);
          this.progress.update(label, "mounted");
          return { descriptor: { mediaType, digest: cached.digest, size: cached.size }, outcome: "mounted" };
        }
      }
    }
    // Streamed only when the blob is surely missing: its digest is known and
    // was not found, or the repository is new. A layer of unknown digest
    // bound for a repository with images may be there already (pushed from
    // another machine): it is compressed first and looked for by its digest.
    if (this.streaming && (candidates.length > 0 || (await this.repositoryIsNew()))) {
      try {
        return await this.streamLayer(layer, label);
      } catch (err) {
        if (!(err instanceof StreamRefusedError)) throw err;
        this.streaming = false;
        this.progress.note(`${this.ref.apiHost} refused a streamed upload (${err.status}): uploading from a spool file`);
      }
    }
    const file = join(this.spool, layer.diffId.slice(7));
    try {
      this.progress.update(label, "compressing", 0, layer.size);
      const blob = await compressToFile(layer.open(), file, this.compression, (n) => this.progress.update(label, "compressing", n, layer.size));
      if (blob.inputDigest !== layer.diffId) {
        throw new CognixError({ message: `${label}: its tar hashes to ${blob.inputDigest}, not to its diffId ${layer.diffId}` });
      }
      const descriptor = { mediaType, digest: blob.digest, size: blob.size };
      if (!candidates.some((c) => c.digest === blob.digest) && (await this.present(blob.digest, blob.size))) {
        this.cache.remember(layer.diffId, this.compression, blob.digest, blob.size, this.repo);
        this.progress.update(label, "exists");
        return { descriptor, outcome: "skipped" };
      }
      await this.upload(label, blob.digest, blob.size, (start, end) =>
        start === undefined ? createReadStream(file) : createReadStream(file, { start, end: (end ?? blob.size) - 1 }),
      );
      this.cache.remember(layer.diffId, this.compression, blob.digest, blob.size, this.repo);
      return { descriptor, outcome: "uploaded" };
    } finally {
      await rm(file, { force: true });
    }
  }

  private repositoryIsNew(): Promise<boolean> {
    this.isNew ??= this.existing !== undefined ? Promise.resolve(false) : this.client.hasTags(this.ref.name).then((has) => has === false);
    return this.isNew;
  }

  /**
   * Compresses the layer straight into an upload session, so compression
   * and upload overlap; the digest is known once the last byte is sent. A
   * failed attempt starts over with a new session and compresses afresh
   * (the bytes come out the same).
   */
  private async streamLayer(layer: PushLayer, label: string): Promise<BlobResult> {
    const onInput = (n: number): void => this.progress.update(label, "pushing", n, layer.size);
    const attempt = (): Promise<{ digest: string; size: number }> => {
      let current: CompressingStream | undefined;
      const body = (): Readable => {
        current?.stream.destroy();
        onInput(0);
        current = compressedStream(layer.open(), this.compression, onInput);
        return current.stream;
      };
      const finish = (): { digest: string; size: number } => {
        if (current === undefined) throw new Error(`${label}: nothing was sent`);
        const blob = current.result();
        if (blob.inputDigest !== layer.diffId) {
          throw new CognixError({ message: `${label}: its tar hashes to ${blob.inputDigest}, not to its diffId ${layer.diffId}` });
        }
        return { digest: blob.digest, size: blob.size };
      };
      return uploadStreamed(this.client, this.ref.name, label, body, finish).finally(() => current?.stream.destroy());
    };
    const blob = await withRetry(
      this.retry,
      attempt,
      (err, n) => this.client.giveUp(`upload of ${label}`, err, n),
      (err, n) => this.progress.note(`retrying upload of ${label} (attempt ${n + 1}): ${(err as Error).message}`),
    );
    this.cache.remember(layer.diffId, this.compression, blob.digest, blob.size, this.repo);
    this.progress.update(label, "pushed");
    return { descriptor: { mediaType: LAYER_MEDIA_TYPES[this.compression], digest: blob.digest, size: blob.size }, outcome: "uploaded" };
  }

  private async pushConfig(config: Buffer, digest: string): Promise<BlobResult> {
    const descriptor = { mediaType: OCI_CONFIG, digest, size: config.length };
    this.progress.update("config", "checking");
    if (await this.present(digest, config.length)) {
      this.progress.update("config", "exists");
      return { descriptor, outcome: "skipped" };
    }
    await this.upload("config", digest, config.length, (start, end) => Readable.from([config.subarray(start ?? 0, end ?? config.length)]));
    return { descriptor, outcome: "uploaded" };
  }

  /**
   * Uploads with a fresh session per attempt, so a drop mid-body starts over
   * cleanly; blobs larger than a chunk go up in resumable PATCH chunks.
   */
  private async upload(label: string, digest: string, size: number, open: (start?: number, end?: number) => Readable): Promise<void> {
    const onProgress = (sent: number): void => this.progress.update(label, "uploading", sent, size);
    await withRetry(
      this.retry,
      () =>
        size > this.chunkSize
          ? this.client.uploadBlobChunked(this.ref.name, digest, size, open, this.chunkSize, onProgress)
          : this.client.uploadBlob(this.ref.name, digest, size, () => open(), onProgress),
      (err, n) => this.client.giveUp(`upload of ${digest}`, err, n),
      (err, attempt) => this.progress.note(`retrying upload of ${label} (attempt ${attempt + 1}): ${(err as Error).message}`),
    );
    this.progress.update(label, "pushed");
  }
}
