import type { Readable } from "node:stream";
import { locationOf, pushScope, SessionLostError, type RegistryClient } from "./client.ts";

export interface StreamedBlob {
  digest: string;
  size: number;
}

/**
 * Answers to a PATCH without Content-Length or Content-Range from a registry
 * (or a proxy before it) that wants them: the upload from a spool file,
 * whose lengths are known, works there.
 */
const REFUSALS = new Set([400, 405, 411, 413, 415, 416]);

/** The registry does not take a streamed upload; final, so the caller falls back rather than retries. */
export class StreamRefusedError extends Error {
  constructor(readonly status: number) {
    super(`the registry refused a streamed upload (${status})`);
    this.name = "StreamRefusedError";
  }
}

/**
 * One streamed upload session, as `docker push` makes it: POST, one PATCH
 * whose chunked body is the blob as it is made, then PUT ?digest= with the
 * digest known once that body has ended. `body` makes the blob's stream
 * afresh on each call (an answered auth challenge sends the PATCH again);
 * `finish` runs between PATCH and PUT and returns the digest and size of
 * what was sent, or throws to leave the blob uncommitted. POST and PUT,
 * which carry no body, are retried in place; a failed PATCH abandons the
 * session, and the caller starts a new one.
 */
export async function uploadStreamed(
  client: RegistryClient,
  name: string,
  what: string,
  body: () => Readable,
  finish: () => StreamedBlob,
): Promise<StreamedBlob> {
  const scopes = [pushScope(name)];
  const host = client.url("/").host;
  const session = await client.startUpload(name, "retried");
  const patch = await client.exchange({ method: "PATCH", url: session, headers: { "Content-Type": "application/octet-stream" }, body }, scopes);
  if (patch.status === 404) throw new SessionLostError(what, patch.status);
  if (REFUSALS.has(patch.status)) throw new StreamRefusedError(patch.status);
  if (patch.status !== 202) throw client.unexpected("upload blob", name, patch);
  const blob = finish();
  const done = locationOf(patch, host, name);
  done.searchParams.set("digest", blob.digest);
  const res = await client.request({ method: "PUT", url: done }, scopes);
  if (res.status === 404 || res.status === 416 || res.status === 400) {
    // A PUT retried after its answer was lost finds the session closed: the blob may be in.
    if ((await client.blobSize(name, blob.digest)) === blob.size) return blob;
    throw new SessionLostError(what, res.status);
  }
  if (res.status !== 201) throw client.unexpected("finish upload", name, res);
  client.confirmStored(res, blob.digest);
  return blob;
}
