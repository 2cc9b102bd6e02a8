import type { Credentials } from "./sigv4.ts";

export interface S3Config {
  /** Base URL, path-style: <endpoint>/<bucket>/<key>. */
  endpoint: string;
  region: string;
  /** null: anonymous requests (public buckets). */
  credentials: Credentials | null;
}

/**
 * Where s3:// and gs:// live. gs:// uses Cloud Storage's S3-compatible XML
 * API with HMAC keys given in the same AWS_* variables.
 */
export function s3ConfigFromEnv(kind: "s3" | "gs", env: NodeJS.ProcessEnv = process.env): S3Config {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const credentials =
    accessKeyId && secretAccessKey
      ? { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
      : null;
  if (kind === "gs") {
    return { endpoint: stripSlash(env.COGNIX_GS_ENDPOINT ?? "https://storage.googleapis.com"), region: "auto", credentials };
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? `https://s3.${region}.amazonaws.com`;
  return { endpoint: stripSlash(endpoint), region, credentials };
}

function stripSlash(s: string): string {
  return s.replace(/\/+$/, "");
}
