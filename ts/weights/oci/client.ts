import type { Readable } from "node:stream";
import { registryIsInsecure } from "../source-uri.ts";
import { expectOk, readBody, request, type HttpResponse } from "../request.ts";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const WEIGHTS_ARTIFACT_TYPE = "application/vnd.cognix.weights.v1";
export const WEIGHTS_LAYER_TYPE = "application/vnd.cognix.weights.file.v1";
export const EMPTY_CONFIG_TYPE = "application/vnd.oci.empty.v1+json";
export const TITLE_ANNOTATION = "org.opencontainers.image.title";

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ArtifactManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/**
 * The few OCI distribution calls weights need: blob HEAD/upload/GET and
 * manifest GET/PUT, with Basic credentials (COGNIX_REGISTRY_USER /
 * COGNIX_REGISTRY_PASSWORD) or the Bearer token flow.
 */
export class OciWeightsClient {
  private token: string | null = null;
  readonly base: string;

  constructor(
    readonly registry: string,
    readonly repository: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.base = `${registryIsInsecure(registry) ? "http" : "https"}://${registry}`;
  }

  blobUrl(digest: string): string {
    return `${this.base}/v2/${this.repository}/blobs/${digest}`;
  }

  private basic(): string | null {
    const user = this.env.COGNIX_REGISTRY_USER;
    const pass = this.env.COGNIX_REGISTRY_PASSWORD;
    return user && pass ? `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}` : null;
  }

  private async authorize(challenge: string): Promise<boolean> {
    const basic = this.basic();
    if (/^basic/i.test(challenge)) return basic !== null && this.token !== basic ? ((this.token = basic), true) : false;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const realm = params.realm;
    if (!realm) return false;
    const url = new URL(realm);
    if (params.service) url.searchParams.set("service", params.service);
    url.searchParams.set("scope", params.scope ?? `repository:${this.repository}:pull,push`);
    const res = await expectOk(
      await request({ method: "GET", url: url.href, headers: basic ? { authorization: basic } : {}, followRedirects: true }),
      "registry token",
    );
    const body = JSON.parse((await readBody(res)).toString("utf8")) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) return false;
    this.token = `Bearer ${token}`;
    return true;
  }

  /** Sends with the current credentials; on 401 obtains new ones once and resends. */
  private async send(method: string, url: string, headers: Record<string, string> = {}, body?: () => Buffer | Readable): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const h = { ...headers, ...(this.token ? { authorization: this.token } : {}) };
      const b = body?.();
      const res = await request({ method, url, headers: h, ...(b !== undefined ? { body: b } : {}), followRedirects: method === "GET" || method === "HEAD" });
      const challenge = res.headers["www-authenticate"];
      if (res.status === 401 && attempt === 0 && typeof challenge === "string" && (await this.authorize(challenge))) {
        res.body.resume();
        continue;
      }
      return res;
    }
  }

  async blobExists(digest: string): Promise<boolean> {
    const res = await this.send("HEAD", this.blobUrl(digest));
    res.body.resume();
    if (res.status === 404) return false;
    await expectOk(res, `HEAD blob ${digest}`);
    return true;
  }

  /** Monolithic upload: POST for a session, then one PUT with the bytes. */
  async uploadBlob(digest: string, size: number, body: () => Buffer | Readable): Promise<void> {
    const start = await expectOk(
      await this.send("POST", `${this.base}/v2/${this.repository}/blobs/uploads/`, { "content-length": "0" }),
      `start upload of ${digest}`,
    );
    start.body.resume();
    const location = start.headers.location;
    if (typeof location !== "string") throw new Error(`registry ${this.registry} gave no upload location`);
    const url = new URL(location, this.base);
    url.searchParams.set("digest", digest);
    const res = await expectOk(
      await this.send("PUT", url.href, { "content-type": "application/octet-stream", "content-length": String(size) }, body),
      `upload of ${digest}`,
    );
    res.body.resume();
  }

  async getManifest(reference: string): Promise<ArtifactManifest> {
    const res = await expectOk(
      await this.send("GET", `${this.base}/v2/${this.repository}/manifests/${reference}`, { accept: OCI_MANIFEST }),
      `manifest ${this.repository}:${reference}`,
    );
    return JSON.parse((await readBody(res)).toString("utf8")) as ArtifactManifest;
  }

  async putManifest(reference: string, bytes: Buffer): Promise<void> {
    const res = await expectOk(
      await this.send("PUT", `${this.base}/v2/${this.repository}/manifests/${reference}`, { "content-type": OCI_MANIFEST, "content-length": String(bytes.length) }, () => bytes),
      `put manifest ${this.repository}:${reference}`,
    );
    res.body.resume();
  }
}
