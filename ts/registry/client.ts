import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { CognixError } from "../util/errors.ts";
import { Authenticator } from "./auth.ts";
import type { Credentials } from "./credentials.ts";
import { Agents } from "../http/agents.ts";
import { errorCode, HttpError, isTransient, TransientError } from "../http/errors.ts";
import { send } from "../http/exchange.ts";
import { REGISTRY_LIMITS, type Limits } from "../http/limits.ts";
import { REDIRECT_STATUSES } from "../http/redirects.ts";
import { backOff, parseRetryAfter, withRetry, type RetryPolicy } from "../http/retry.ts";
import { header, type HttpRequest, type HttpResponse } from "../http/types.ts";
import { parseChallenge } from "./www-authenticate.ts";

export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

export interface ClientOptions {
  host: string;
  insecure: boolean;
  retry: RetryPolicy;
  maxSockets: number;
  credentials: () => Promise<Credentials | undefined>;
  credentialFile: string;
  /** Told about each retry, for progress output. */
  onRetry?: (what: string, err: unknown, attempt: number, delayMs: number) => void;
  /** Deadlines of each exchange (REGISTRY_LIMITS when absent). */
  limits?: Limits;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

const TLS_CODES = /^(EPROTO|ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT)/;

export function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Distribution API calls for one registry host, with auth, retries and clear errors. */
export class RegistryClient {
  readonly agents: Agents;
  private readonly auth: Authenticator;
  private readonly base: string;
  private readonly limits: Limits;

  constructor(private readonly opts: ClientOptions) {
    this.agents = new Agents(opts.maxSockets);
    this.base = `${opts.insecure ? "http" : "https"}://${opts.host}`;
    this.limits = opts.limits ?? REGISTRY_LIMITS;
    this.auth = new Authenticator({
      host: opts.host,
      insecure: opts.insecure,
      agents: this.agents,
      limits: this.limits,
      credentials: opts.credentials,
      credentialFile: opts.credentialFile,
    });
  }

  close(): void {
    this.agents.destroy();
  }

  url(path: string): URL {
    return new URL(path, this.base);
  }

  /** True when `url` is the registry itself (scheme, host and port), the only place credentials go. */
  isRegistry(url: URL): boolean {
    const own = new URL(this.base);
    return url.protocol === own.protocol && url.host === own.host;
  }

  /**
   * One attempt: sends, answers one auth challenge, maps 5xx/429 to transient
   * errors. A request to another host (an upload `Location` may name one)
   * goes without credentials, and its challenges are not answered.
   */
  async exchange(req: HttpRequest, scopes: readonly string[]): Promise<HttpResponse> {
    if (!this.isRegistry(req.url)) return this.exchangeElsewhere(req);
    let authorization = await this.auth.authorization(scopes);
    let res = await this.sendRaw(req, authorization);
    if (res.status === 401) {
      const ch = parseChallenge(header(res, "www-authenticate") ?? "");
      if (ch === undefined) {
        if (authorization !== undefined) throw this.auth.authFailed(401);
        throw new CognixError({ message: `${this.opts.host} answered 401 without an authentication challenge it supports (Basic or Bearer)` });
      }
      // A refused token may simply have expired: fetch a new one once.
      this.auth.drop(scopes);
      this.auth.setChallenge(ch);
      authorization = await this.auth.authorization(scopes);
      res = await this.sendRaw(req, authorization);
      if (res.status === 401) throw this.auth.authFailed(401);
    }
    if (res.status >= 500 || res.status === 429) {
      throw new HttpError(
        res.status,
        `${req.method} ${req.url.pathname} on ${this.opts.host} answered ${res.status}${registryMessage(res)}`,
        parseRetryAfter(header(res, "retry-after")),
      );
    }
    return res;
  }

  private async exchangeElsewhere(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.sendRaw(req, undefined);
    if (res.status === 401 || res.status === 407) {
      throw new CognixError({
        message: `${req.method} ${req.url.pathname} on ${req.url.host} answered ${res.status}: that host is not the registry ${this.opts.host}, and cognix sends registry credentials to the registry only`,
      });
    }
    if (res.status >= 500 || res.status === 429) {
      throw new HttpError(res.status, `${req.method} ${req.url.pathname} on ${req.url.host} answered ${res.status}`, parseRetryAfter(header(res, "retry-after")));
    }
    return res;
  }

  /** `exchange` with retries; only for requests that may be repeated as they are. */
  request(req: HttpRequest, scopes: readonly string[]): Promise<HttpResponse> {
    const what = `${req.method} ${req.url.pathname}`;
    return withRetry(
      this.opts.retry,
      () => this.exchange(req, scopes),
      (err, n) => this.giveUp(what, err, n),
      (err, attempt, delay) => this.opts.onRetry?.(what, err, attempt, delay),
    );
  }

  giveUp(what: string, err: unknown, attempts: number): CognixError {
    const code = errorCode(err);
    if (code === "ECONNREFUSED") {
      return new CognixError({ message: `registry ${this.opts.host} is unreachable (connection refused, ${attempts} attempts)` });
    }
    return new CognixError({ message: `${what} on ${this.opts.host} failed after ${attempts} attempts: ${(err as Error).message}` });
  }

  private async sendRaw(req: HttpRequest, authorization: string | undefined): Promise<HttpResponse> {
    const headers = { ...req.headers };
    if (authorization !== undefined) headers.Authorization = authorization;
    try {
      return await send({ ...req, headers }, { agents: this.agents, limits: this.limits });
    } catch (err) {
      if (err instanceof CognixError) throw err;
      const code = errorCode(err) ?? "";
      if (code === "ENOTFOUND") throw new CognixError({ message: `registry ${this.opts.host} is unreachable: the host name does not resolve` });
      if (TLS_CODES.test(code)) {
        throw new CognixError({
          message: `TLS connection to registry ${this.opts.host} failed (${code}); if it serves plain http on this machine, pass --insecure`,
        });
      }
      // A timeout's own message says which limit ran out.
      const detail = code === "ETIMEDOUT" || code === "" ? (err as Error).message : code;
      throw Object.assign(new Error(`${req.method} ${req.url.pathname} on ${this.opts.host}: ${detail}`), { code });
    }
  }

  /** HEAD a blob; its size when present with the same digest, else undefined. */
  async blobSize(name: string, digest: string): Promise<number | undefined> {
    const res = await this.request({ method: "HEAD", url: this.url(`/v2/${name}/blobs/${digest}`) }, [pullScope(name)]);
    if (res.status === 404) return undefined;
    if (res.status === 307 || res.status === 302) return Number(header(res, "content-length") ?? "-1");
    if (res.status !== 200) throw this.unexpected("HEAD blob", name, res);
    const got = header(res, "docker-content-digest");
    if (got !== undefined && got !== digest) return undefined;
    return Number(header(res, "content-length") ?? "-1");
  }

  /** Whether the repository has any tag; undefined when the registry does not say. */
  async hasTags(name: string): Promise<boolean | undefined> {
    const url = this.url(`/v2/${name}/tags/list`);
    url.searchParams.set("n", "1");
    const res = await this.request({ method: "GET", url }, [pullScope(name)]);
    if (res.status === 404) return false;
    if (res.status !== 200) return undefined;
    try {
      const tags = (JSON.parse(res.body.toString("utf8")) as { tags?: unknown }).tags;
      return Array.isArray(tags) ? tags.length > 0 : tags === null ? false : undefined;
    } catch {
      return undefined;
    }
  }

  /** GET a manifest by tag or digest; undefined when absent. */
  async getManifest(name: string, reference: string): Promise<FetchedManifest | undefined> {
    const res = await this.request(
      { method: "GET", url: this.url(`/v2/${name}/manifests/${reference}`), headers: { Accept: MANIFEST_ACCEPT } },
      [pullScope(name)],
    );
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw this.unexpected("GET manifest", name, res);
    const mediaType = (header(res, "content-type") ?? "").split(";")[0]?.trim() ?? "";
    return { digest: sha256(res.body), mediaType, body: res.body };
  }

  /** GET a small blob (a config), following redirects to blob storage, verifying its digest. */
  async getBlob(name: string, digest: string): Promise<Buffer | undefined> {
    let res = await this.request({ method: "GET", url: this.url(`/v2/${name}/blobs/${digest}`) }, [pullScope(name)]);
    for (let hops = 0; hops < 5 && REDIRECT_STATUSES.includes(res.status); hops++) {
      const loc = header(res, "location");
      if (loc === undefined) break;
      const target = new URL(loc, res.url);
      // Blob storage gets no registry credentials.
      res = await withRetry(
        this.opts.retry,
        async () => {
          const r = await send({ method: "GET", url: target }, { agents: this.agents, limits: this.limits });
          if (r.status >= 500 || r.status === 429) throw new HttpError(r.status, `GET ${target.host} answered ${r.status}`);
          return r;
        },
        (err, n) => this.giveUp(`GET blob ${digest}`, err, n),
      );
    }
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw this.unexpected("GET blob", name, res);
    return sha256(res.body) === digest ? res.body : undefined;
  }

  /** Cross-repository mount; true when the registry linked the blob (201). */
  async mountBlob(name: string, digest: string, from: string): Promise<boolean> {
    const url = this.url(`/v2/${name}/blobs/uploads/`);
    url.searchParams.set("mount", digest);
    url.searchParams.set("from", from);
    const res = await this.request({ method: "POST", url }, [pushScope(name), pullScope(from)]);
    if (res.status === 201) return true;
    if (res.status === 202) {
      // The registry opened an upload instead; give it back.
      const loc = header(res, "location");
      if (loc !== undefined) {
        await this.exchange({ method: "DELETE", url: new URL(loc, res.url) }, [pushScope(name)]).catch(() => undefined);
      }
      return false;
    }
    if (res.status === 404 || res.status === 403) return false;
    throw this.unexpected("mount blob", name, res);
  }

  /**
   * One upload session: POST, then a monolithic PUT of the whole body. The
   * caller retries the whole session, so a failure mid-upload starts afresh.
   */
  async uploadBlob(name: string, digest: string, size: number, open: () => Readable, onProgress?: (sent: number) => void): Promise<void> {
    const url = await this.startUpload(name, "once");
    url.searchParams.set("digest", digest);
    const req: HttpRequest = {
      method: "PUT",
      url,
      headers: { "Content-Type": "application/octet-stream" },
      body: open,
      bodyLength: size,
    };
    if (onProgress !== undefined) req.onBodyProgress = onProgress;
    const res = await this.exchange(req, [pushScope(name)]);
    if (res.status !== 201) {
      if (res.status === 404 || res.status === 416) throw new SessionLostError(digest, res.status);
      throw this.unexpected("upload blob", name, res);
    }
    this.confirmStored(res, digest);
  }

  /**
   * One chunked upload session: PATCH `chunkSize` pieces with Content-Range,
   * then PUT ?digest=. A chunk that fails is resumed from the offset the
   * registry reports (GET on the session); a lost session throws a transient
   * error so the caller starts a new one.
   */
  async uploadBlobChunked(
    name: string,
    digest: string,
    size: number,
    openRange: (start: number, end: number) => Readable,
    chunkSize: number,
    onProgress?: (sent: number) => void,
  ): Promise<void> {
    const scopes = [pushScope(name)];
    let url = await this.startUpload(name, "once");
    let offset = 0;
    let failures = 0;
    while (offset < size) {
      const from = offset;
      const end = Math.min(size, from + chunkSize);
      try {
        const req: HttpRequest = {
          method: "PATCH",
          url,
          headers: { "Content-Type": "application/octet-stream", "Content-Range": `${from}-${end - 1}` },
          body: () => openRange(from, end),
          bodyLength: end - from,
        };
        if (onProgress !== undefined) req.onBodyProgress = (n) => onProgress(from + n);
        const res = await this.exchange(req, scopes);
        if (res.status === 404 || res.status === 416) throw new SessionLostError(digest, res.status);
        if (res.status !== 202) throw this.unexpected("upload chunk", name, res);
        url = locationOf(res, this.opts.host, name);
        offset = rangeEnd(res) ?? end;
      } catch (err) {
        if (!isTransient(err) || err instanceof SessionLostError) throw err;
        const what = `PATCH ${url.pathname}`;
        await backOff(
          this.opts.retry,
          err,
          ++failures,
          (last, n) => this.giveUp(`upload of ${digest}`, last, n),
          (e, attempt, delay) => this.opts.onRetry?.(what, e, attempt, delay),
        );
        // Ask where the session stands; anything but 204 means start over.
        const status = await this.exchange({ method: "GET", url }, scopes).catch(() => undefined);
        if (status?.status !== 204) throw new SessionLostError(digest, status?.status);
        url = locationOf(status, this.opts.host, name);
        // "0-0" means nothing stored yet when nothing was confirmed (distribution's convention).
        const reported = rangeEnd(status) ?? 0;
        const resumeAt = reported === 1 && offset === 0 ? 0 : reported;
        if (resumeAt < offset || resumeAt > size) throw new SessionLostError(digest, status.status);
        offset = resumeAt;
      }
    }
    const done = new URL(url);
    done.searchParams.set("digest", digest);
    const res = await this.exchange({ method: "PUT", url: done }, scopes);
    if (res.status !== 201) {
      if (res.status === 404 || res.status === 416 || res.status === 400) throw new SessionLostError(digest, res.status);
      throw this.unexpected("finish upload", name, res);
    }
    this.confirmStored(res, digest);
  }

  /**
   * POST a new upload session; where to send the blob. "once" when the
   * caller retries the whole session, "retried" to retry the POST in place.
   */
  async startUpload(name: string, retry: "once" | "retried"): Promise<URL> {
    const req: HttpRequest = { method: "POST", url: this.url(`/v2/${name}/blobs/uploads/`) };
    const scopes = [pushScope(name)];
    const res = retry === "retried" ? await this.request(req, scopes) : await this.exchange(req, scopes);
    if (res.status !== 202) throw this.unexpected("start upload", name, res);
    return locationOf(res, this.opts.host, name);
  }

  /** The digest a finished upload's answer names, when it names one, must be the one sent. */
  confirmStored(res: HttpResponse, digest: string): void {
    const got = header(res, "docker-content-digest");
    if (got !== undefined && got !== digest) {
      throw new CognixError({ message: `${this.opts.host} stored ${digest} as ${got}: the upload was altered` });
    }
  }

  async putManifest(name: string, reference: string, mediaType: string, body: Buffer): Promise<string> {
    const res = await this.request(
      { method: "PUT", url: this.url(`/v2/${name}/manifests/${reference}`), headers: { "Content-Type": mediaType }, body },
      [pushScope(name)],
    );
    if (res.status !== 201 && res.status !== 200) throw this.unexpected("PUT manifest", name, res);
    return header(res, "docker-content-digest") ?? sha256(body);
  }

  unexpected(what: string, name: string, res: HttpResponse): CognixError {
    if (res.status === 403) {
      return new CognixError({
        message: `access denied to ${this.opts.host}/${name} (403): the credentials in ${this.opts.credentialFile} may not push to this repository${registryMessage(res)}`,
      });
    }
    return new CognixError({ message: `${what} for ${this.opts.host}/${name}: unexpected status ${res.status}${registryMessage(res)}` });
  }
}

/** The registry forgot an upload session: the caller starts a new one. */
export class SessionLostError extends TransientError {
  constructor(digest: string, status: number | undefined) {
    super(`upload session for ${digest} was lost (${status ?? "no answer"})`);
    this.name = "SessionLostError";
  }
}

export function pullScope(name: string): string {
  return `repository:${name}:pull`;
}

export function pushScope(name: string): string {
  return `repository:${name}:pull,push`;
}

export function locationOf(res: HttpResponse, host: string, name: string): URL {
  const loc = header(res, "location");
  if (loc === undefined) throw new CognixError({ message: `${host} answered an upload request for ${name} without a Location` });
  return new URL(loc, res.url);
}

/** The next offset from `Range: 0-N` (N+1), or undefined. */
function rangeEnd(res: HttpResponse): number | undefined {
  const m = /^(?:bytes=)?0-(\d+)$/.exec((header(res, "range") ?? "").trim());
  return m ? Number(m[1]) + 1 : undefined;
}

/** The registry's own error text (`{"errors":[{code,message}]}`), short. */
function registryMessage(res: HttpResponse): string {
  if (res.body.length === 0) return "";
  try {
    const parsed = JSON.parse(res.body.toString("utf8")) as { errors?: { code?: unknown; message?: unknown }[] };
    const parts = (parsed.errors ?? []).map((e) => [e.code, e.message].filter((x) => typeof x === "string").join(": "));
    const text = parts.filter((p) => p !== "").join("; ");
    return text === "" ? "" : ` (${text.slice(0, 300)})`;
  } catch {
    return "";
  }
}
