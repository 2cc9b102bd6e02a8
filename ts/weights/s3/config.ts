import type { Credentials } from "./sigv4.ts";

export interface S3Config {
  /** Base URL, path-style: <endpoint>/<bucket>/<key>. */
  endpoint: string;
  region: string;
  /** null: anonymous requests (public buckets). */
  credentials: Credentials | null;
}

/** Where s3:// lives and who asks: the AWS CLI's variables. */
export function s3ConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3Config {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const credentials =
    accessKeyId && secretAccessKey
      ? { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
      : null;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? `https://s3.${region}.amazonaws.com`;
  return { endpoint: endpoint.replace(/\/+$/, ""), region, credentials };
}
