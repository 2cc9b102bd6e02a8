import { isLoopbackHost } from "../../registry/reference.ts";

export const GCS_ENDPOINT = "https://storage.googleapis.com";
/** The variable an OAuth access token is read from (`gcloud auth print-access-token`). */
export const GCS_TOKEN_VARIABLE = "GOOGLE_OAUTH_ACCESS_TOKEN";

export interface GcsConfig {
  /** Origin of the JSON API, the upload API and public object URLs. */
  endpoint: string;
  /** Sent as a bearer token to `endpoint` only; null for anonymous requests (public buckets). */
  token: string | null;
}

/**
 * Where gs:// lives: Cloud Storage, or the emulator STORAGE_EMULATOR_HOST
 * names (the variable Google's client libraries read; a bare host:port means
 * http, as in Go's client). A token never travels in clear to another machine.
 */
export function gcsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GcsConfig {
  const emulator = env.STORAGE_EMULATOR_HOST;
  let endpoint = GCS_ENDPOINT;
  if (emulator) {
    const given = emulator.includes("://") ? emulator : `http://${emulator}`;
    let url: URL;
    try {
      url = new URL(given);
    } catch {
      throw new Error(`STORAGE_EMULATOR_HOST: expected host:port or an http(s) URL, got ${JSON.stringify(emulator)}`);
    }
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search !== "" || url.hash !== "" || url.username !== "") {
      throw new Error(`STORAGE_EMULATOR_HOST: expected host:port or an http(s) URL, got ${JSON.stringify(emulator)}`);
    }
    endpoint = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  }
  const token = env[GCS_TOKEN_VARIABLE] || null;
  if (token !== null && endpoint.startsWith("http:") && !isLoopbackHost(new URL(endpoint).host)) {
    throw new Error(`${GCS_TOKEN_VARIABLE} is not sent in clear to ${endpoint}; use https or unset it`);
  }
  return { endpoint, token };
}
