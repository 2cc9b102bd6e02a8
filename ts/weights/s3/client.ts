import { createHash } from "node:crypto";
import { expectOk } from "../../http/expect-ok.ts";
import { open, readBody } from "../../http/exchange.ts";
import { WEIGHTS_LIMITS } from "../../http/limits.ts";
import { weightsRetryPolicy, withRetry } from "../../http/retry.ts";
import type { StreamedResponse } from "../../http/types.ts";
import type { S3Config } from "./config.ts";
import { EMPTY_SHA256, canonicalQuery, signV4, uriEncode } from "./sigv4.ts";
import { escapeXml, xmlAll, xmlFirst } from "./xml.ts";

export interface S3Object {
  key: string;
  size: number;
}

/** A byte count as S3 writes it: decimal digits, a safe integer. */
function byteCount(v: string | undefined, where: string): number {
  const n = v !== undefined && /^[0-9]{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new Error(`${where}: size ${JSON.stringify(v ?? null)} is not a byte count`);
  return n;
}

export interface S3Head {
  size: number;
  /** x-amz-meta-sha256, set by push-weights. */
  sha256: string | null;
}

/** A path-style S3 client: just what weights need, signed with SigV4 by hand. */
export class S3Client {
  constructor(
    readonly config: S3Config,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Public (unsigned) URL of an object, path-style. */
  objectUrl(bucket: string, key: string): string {
    return `${this.config.endpoint}/${uriEncode(bucket)}/${uriEncode(key, true)}`;
  }

  private async send(opts: {
    method: string;
    bucket: string;
    key?: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: Buffer;
  }): Promise<StreamedResponse> {
    const base = new URL(this.config.endpoint);
    const basePath = base.pathname.replace(/\/+$/, "");
    const path = `${basePath}/${uriEncode(opts.bucket)}${opts.key === undefined ? "/" : `/${uriEncode(opts.key, true)}`}`;
    const query = opts.query ?? {};
    const qs = canonicalQuery(query);
    const url = `${base.protocol}//${base.host}${path}${qs ? `?${qs}` : ""}`;
    const body = opts.body;
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (body !== undefined) headers["content-length"] = String(body.length);
    const creds = this.config.credentials;
    const sent =
      creds === null
        ? headers
        : signV4({
            method: opts.method,
            host: base.host,
            path,
            query,
            headers,
            payloadHash: body === undefined ? EMPTY_SHA256 : createHash("sha256").update(body).digest("hex"),
            region: this.config.region,
            service: "s3",
            credentials: creds,
            date: this.now(),
          });
    return open({ method: opts.method, url: new URL(url), headers: sent, ...(body !== undefined ? { body } : {}) }, { limits: WEIGHTS_LIMITS });
  }

  /** Creates a bucket (tests and first use); an existing one owned by us is fine. */
  async createBucket(bucket: string): Promise<void> {
    const res = await this.send({ method: "PUT", bucket });
    if (res.status === 409) {
      res.body.resume();
      return;
    }
    await expectOk(res, `create bucket ${bucket}`);
    res.body.resume();
  }

  async headObject(bucket: string, key: string): Promise<S3Head | null> {
    return withRetry(weightsRetryPolicy, async () => {
      const res = await this.send({ method: "HEAD", bucket, key });
      res.body.resume();
      if (res.status === 404) return null;
      await expectOk(res, `HEAD s3://${bucket}/${key}`);
      const meta = res.headers["x-amz-meta-sha256"];
      return {
        size: byteCount(res.headers["content-length"], `HEAD s3://${bucket}/${key}`),
        sha256: typeof meta === "string" && /^[0-9a-f]{64}$/.test(meta) ? meta : null,
      };
    });
  }

  /** Signed GET; the caller reads the body. */
  async getObject(bucket: string, key: string): Promise<StreamedResponse> {
    return expectOk(await this.send({ method: "GET", bucket, key }), `GET s3://${bucket}/${key}`);
  }

  async putObject(bucket: string, key: string, body: Buffer, meta: Record<string, string> = {}, acl?: string): Promise<void> {
    await withRetry(weightsRetryPolicy, async () => {
      const res = await this.send({ method: "PUT", bucket, key, body, headers: { ...metaHeaders(meta), ...(acl ? { "x-amz-acl": acl } : {}) } });
      await expectOk(res, `PUT s3://${bucket}/${key}`);
      res.body.resume();
    });
  }

  async createMultipartUpload(bucket: string, key: string, meta: Record<string, string> = {}, acl?: string): Promise<string> {
    return withRetry(weightsRetryPolicy, async () => {
      const res = await expectOk(
        await this.send({ method: "POST", bucket, key, query: { uploads: "" }, headers: { ...metaHeaders(meta), ...(acl ? { "x-amz-acl": acl } : {}) } }),
        `start multipart upload of s3://${bucket}/${key}`,
      );
      const id = xmlFirst((await readBody(res)).toString("utf8"), "UploadId");
      if (id === null) throw new Error(`no UploadId in the answer for s3://${bucket}/${key}`);
      return id;
    });
  }

  /** Returns the part's ETag. */
  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: Buffer): Promise<string> {
    return withRetry(weightsRetryPolicy, async () => {
      const res = await expectOk(
        await this.send({ method: "PUT", bucket, key, body, query: { partNumber: String(partNumber), uploadId } }),
        `upload part ${partNumber} of s3://${bucket}/${key}`,
      );
      res.body.resume();
      const etag = res.headers.etag;
      if (typeof etag !== "string") throw new Error(`no ETag for part ${partNumber} of s3://${bucket}/${key}`);
      return etag;
    });
  }

  async completeMultipartUpload(bucket: string, key: string, uploadId: string, etags: string[]): Promise<void> {
    const xml =
      "<CompleteMultipartUpload>" +
      etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(e)}</ETag></Part>`).join("") +
      "</CompleteMultipartUpload>";
    await withRetry(weightsRetryPolicy, async () => {
      const res = await expectOk(
        await this.send({ method: "POST", bucket, key, query: { uploadId }, body: Buffer.from(xml, "utf8"), headers: { "content-type": "application/xml" } }),
        `complete multipart upload of s3://${bucket}/${key}`,
      );
      // S3 can answer 200 with an <Error> body.
      const text = (await readBody(res)).toString("utf8");
      if (text.includes("<Error>")) throw new Error(`completing s3://${bucket}/${key} failed: ${xmlFirst(text, "Message") ?? text.slice(0, 200)}`);
    });
  }

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    const res = await this.send({ method: "DELETE", bucket, key, query: { uploadId } });
    res.body.resume();
  }

  async listObjects(bucket: string, prefix: string): Promise<S3Object[]> {
    const out: S3Object[] = [];
    let token: string | null = null;
    do {
      const query: Record<string, string> = { "list-type": "2", prefix };
      if (token !== null) query["continuation-token"] = token;
      const res = await expectOk(await this.send({ method: "GET", bucket, query }), `list s3://${bucket}/${prefix}`);
      const xml = (await readBody(res)).toString("utf8");
      for (const item of xmlAll(xml, "Contents")) {
        const key = xmlFirst(item, "Key");
        const size = xmlFirst(item, "Size");
        if (key !== null) out.push({ key, size: byteCount(size ?? undefined, `list s3://${bucket}/${prefix}: ${key}`) });
      }
      token = xmlFirst(xml, "IsTruncated") === "true" ? xmlFirst(xml, "NextContinuationToken") : null;
    } while (token !== null);
    return out;
  }
}

function metaHeaders(meta: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) h[`x-amz-meta-${k.toLowerCase()}`] = v;
  return h;
}
