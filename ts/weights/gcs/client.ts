import { expectOk } from "../../http/expect-ok.ts";
import { open, readBody } from "../../http/exchange.ts";
import { WEIGHTS_LIMITS } from "../../http/limits.ts";
import { weightsRetryPolicy, withRetry } from "../../http/retry.ts";
import type { StreamedResponse } from "../../http/types.ts";
import { isObject } from "../../util/json-data.ts";
import { uriEncode } from "../s3/sigv4.ts";
import type { GcsConfig } from "./config.ts";

export interface GcsObject {
  name: string;
  size: number;
  /** metadata.sha256, set by push-weights. */
  sha256: string | null;
}


/** An object resource of the JSON API, checked: a listing's answer is data, not trusted shape. */
export function parseObject(v: unknown, where: string): GcsObject {
  const size = isObject(v) ? v.size : undefined;
  const bytes = typeof size === "string" && /^[0-9]{1,16}$/.test(size) ? Number(size) : typeof size === "number" ? size : NaN;
  if (!isObject(v) || typeof v.name !== "string" || v.name === "" || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw new Error(`${where}: the answer is not an object resource with a name and a size`);
  }
  const meta = v.metadata;
  const sha = isObject(meta) && typeof meta.sha256 === "string" && /^[0-9a-f]{64}$/.test(meta.sha256) ? meta.sha256 : null;
  return { name: v.name, size: bytes, sha256: sha };
}

export async function readJson(res: StreamedResponse): Promise<unknown> {
  const text = (await readBody(res, 32 << 20)).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`the answer from ${res.url.href} is not JSON: ${text.slice(0, 200)}`);
  }
}

/** Cloud Storage's JSON API: just what weights need (object metadata, listings, upload URLs). */
export class GcsClient {
  constructor(readonly config: GcsConfig) {}

  /** An object's URL on the XML API: what fetchurl and the image's downloader read, without credentials. */
  objectUrl(bucket: string, name: string): string {
    return `${this.config.endpoint}/${uriEncode(bucket)}/${uriEncode(name, true)}`;
  }

  /** The JSON API resource of an object (the name is one path segment). */
  resourceUrl(bucket: string, name: string): string {
    return `${this.config.endpoint}/storage/v1/b/${uriEncode(bucket)}/o/${uriEncode(name)}`;
  }

  /** An object's bytes through the JSON API (an authenticated read). */
  mediaUrl(bucket: string, name: string): string {
    return `${this.resourceUrl(bucket, name)}?alt=media`;
  }

  uploadUrl(bucket: string, query: Record<string, string>): string {
    const qs = Object.entries(query).map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join("&");
    return `${this.config.endpoint}/upload/storage/v1/b/${uriEncode(bucket)}/o?${qs}`;
  }

  /** The bearer token, for URLs on the endpoint's own origin only. */
  authHeaders(url: string): Record<string, string> {
    if (this.config.token === null || new URL(url).origin !== new URL(this.config.endpoint).origin) return {};
    return { authorization: `Bearer ${this.config.token}` };
  }

  /** null when there is no such object. */
  async stat(bucket: string, name: string): Promise<GcsObject | null> {
    const where = `gs://${bucket}/${name}`;
    return withRetry(weightsRetryPolicy, async () => {
      const url = this.resourceUrl(bucket, name);
      const res = await open({ method: "GET", url: new URL(url), headers: this.authHeaders(url) }, { limits: WEIGHTS_LIMITS });
      if (res.status === 404) {
        res.body.resume();
        return null;
      }
      return parseObject(await readJson(await expectOk(res, `get ${where}`)), where);
    });
  }

  /** Every object whose name starts with `prefix`, page by page. */
  async list(bucket: string, prefix: string): Promise<GcsObject[]> {
    const where = `gs://${bucket}/${prefix}`;
    const out: GcsObject[] = [];
    let page: string | null = null;
    do {
      const url: string = `${this.config.endpoint}/storage/v1/b/${uriEncode(bucket)}/o?prefix=${uriEncode(prefix)}${page === null ? "" : `&pageToken=${uriEncode(page)}`}`;
      const body: unknown = await withRetry(weightsRetryPolicy, async (): Promise<unknown> =>
        readJson(await expectOk(await open({ method: "GET", url: new URL(url), headers: this.authHeaders(url) }, { limits: WEIGHTS_LIMITS }), `list ${where}`)),
      );
      if (!isObject(body) || (body.items !== undefined && !Array.isArray(body.items))) throw new Error(`list ${where}: the answer is not an object listing`);
      for (const item of (body.items as unknown[] | undefined) ?? []) out.push(parseObject(item, `list ${where}`));
      page = typeof body.nextPageToken === "string" && body.nextPageToken !== "" ? body.nextPageToken : null;
    } while (page !== null);
    return out;
  }
}
