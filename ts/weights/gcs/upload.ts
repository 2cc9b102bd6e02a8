import { expectOk } from "../../http/expect-ok.ts";
import { open } from "../../http/exchange.ts";
import { WEIGHTS_LIMITS } from "../../http/limits.ts";
import { backOff, weightsRetryPolicy, withRetry, type RetryPolicy } from "../../http/retry.ts";
import type { StreamedResponse } from "../../http/types.ts";
import { readPart } from "../file-part.ts";
import { parseObject, readJson, type GcsClient } from "./client.ts";

/** Every chunk but the last must be a multiple of this (Cloud Storage's rule for resumable uploads). */
export const CHUNK_UNIT = 256 << 10;
/** A failed chunk is asked about and resent up to five times in all. */
const CHUNK_RETRY: RetryPolicy = { ...weightsRetryPolicy, attempts: 5 };

export interface Upload {
  bucket: string;
  name: string;
  /** The local file and its size. */
  path: string;
  size: number;
  /** Custom metadata (metadata.sha256). */
  metadata: Record<string, string>;
  chunkSize: number;
  /** predefinedAcl, e.g. publicRead. */
  predefinedAcl?: string;
}

type Progress = { done: true } | { done: false; persisted: number };

/** Opens a resumable session; its URL carries the upload's authority. */
async function openSession(client: GcsClient, u: Upload): Promise<string> {
  const url = client.uploadUrl(u.bucket, { uploadType: "resumable", name: u.name, ...(u.predefinedAcl ? { predefinedAcl: u.predefinedAcl } : {}) });
  const body = Buffer.from(JSON.stringify({ name: u.name, metadata: u.metadata }), "utf8");
  const headers = {
    ...client.authHeaders(url),
    "content-type": "application/json; charset=UTF-8",
    "content-length": String(body.length),
    "x-upload-content-type": "application/octet-stream",
    "x-upload-content-length": String(u.size),
  };
  return withRetry(weightsRetryPolicy, async () => {
    const res = await expectOk(await open({ method: "POST", url: new URL(url), headers, body }, { limits: WEIGHTS_LIMITS }), `start upload of gs://${u.bucket}/${u.name}`);
    res.body.resume();
    const location = res.headers.location;
    const session = typeof location === "string" ? new URL(location, url) : null;
    if (session === null || (session.protocol !== "https:" && session.protocol !== "http:")) {
      throw new Error(`start upload of gs://${u.bucket}/${u.name}: no session URL in the answer from ${url}`);
    }
    return session.href;
  });
}

/** 308: the server holds bytes 0..N (its Range header), none without one; 200/201: the object exists. */
async function progressOf(res: StreamedResponse, u: Upload): Promise<Progress> {
  const where = `upload of gs://${u.bucket}/${u.name}`;
  if (res.status === 308) {
    res.body.resume();
    const range = res.headers.range;
    const m = typeof range === "string" ? /^bytes=0-([0-9]+)$/.exec(range) : null;
    if (typeof range === "string" && m === null) throw new Error(`${where}: unexpected Range ${JSON.stringify(range)}`);
    const persisted = m === null ? 0 : Number(m[1]) + 1;
    if (persisted > u.size) throw new Error(`${where}: the server holds ${persisted} bytes of ${u.size}`);
    return { done: false, persisted };
  }
  const obj = parseObject(await readJson(await expectOk(res, where)), where);
  if (obj.size !== u.size) throw new Error(`${where}: the stored object has ${obj.size} bytes, not ${u.size}`);
  return { done: true };
}

function sendChunk(client: GcsClient, session: string, u: Upload, offset: number): Promise<StreamedResponse> {
  const end = Math.min(offset + u.chunkSize, u.size);
  const body = readPart(u.path, offset, end - offset);
  if (body.length !== end - offset) throw new Error(`${u.path} is shorter than ${u.size} bytes`);
  const range = u.size === 0 ? "bytes */0" : `bytes ${offset}-${end - 1}/${u.size}`;
  return open(
    { method: "PUT", url: new URL(session), headers: { ...client.authHeaders(session), "content-length": String(body.length), "content-range": range }, body },
    { limits: WEIGHTS_LIMITS },
  );
}

/** Asks how many bytes the session holds (after a chunk whose fate is unknown). */
function askStatus(client: GcsClient, session: string, u: Upload): Promise<StreamedResponse> {
  return open(
    { method: "PUT", url: new URL(session), headers: { ...client.authHeaders(session), "content-length": "0", "content-range": `bytes */${u.size}` } },
    { limits: WEIGHTS_LIMITS },
  );
}

/**
 * Uploads a file as one object through a resumable session, `chunkSize`
 * bytes a request. After a failed request it asks the session how much
 * arrived and goes on from there, instead of starting over.
 */
export async function uploadObject(client: GcsClient, u: Upload): Promise<void> {
  if (u.chunkSize <= 0 || u.chunkSize % CHUNK_UNIT !== 0) throw new Error(`chunk size ${u.chunkSize} is not a multiple of ${CHUNK_UNIT}`);
  const session = await openSession(client, u);
  let offset = 0;
  let failures = 0;
  let unsure = false;
  for (;;) {
    let progress: Progress;
    try {
      // Once every byte is there, only the status is left to ask for.
      const ask = unsure || (offset === u.size && u.size > 0);
      progress = await progressOf(await (ask ? askStatus(client, session, u) : sendChunk(client, session, u, offset)), u);
    } catch (err) {
      await backOff(CHUNK_RETRY, err, ++failures);
      unsure = true;
      continue;
    }
    if (progress.done) return;
    if (!unsure && progress.persisted <= offset && ++failures >= CHUNK_RETRY.attempts) {
      throw new Error(`upload of gs://${u.bucket}/${u.name}: the server keeps no bytes past ${offset}`);
    }
    unsure = false;
    offset = progress.persisted;
  }
}
