import { CognixError } from "../util/errors.ts";
import { parseSourceUri } from "./source-uri.ts";

export type PushDestination =
  | { kind: "s3" | "gs"; bucket: string; prefix: string }
  | { kind: "oci"; registry: string; repository: string; tag: string | null };

/** s3://bucket[/prefix], gs://bucket[/prefix] or oci://host/repository[:tag]. */
export function parsePushDestination(uri: string): PushDestination {
  const where = { path: ["--to"] };
  if (!/^(s3|gs|oci):\/\//.test(uri)) {
    throw new CognixError({ ...where, message: `expected s3://bucket/prefix, gs://bucket/prefix or oci://host/repository: ${JSON.stringify(uri)}` });
  }
  const src = parseSourceUri(uri, where);
  if (src.kind === "s3" || src.kind === "gs") return { kind: src.kind, bucket: src.bucket, prefix: src.key.replace(/^\/+|\/+$/g, "") };
  if (src.kind === "oci") {
    if (src.reference.startsWith("sha256:")) throw new CognixError({ ...where, message: "push to a tag, not a digest" });
    const tagged = /:[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(uri.slice(uri.indexOf("/", 6)));
    return { kind: "oci", registry: src.registry, repository: src.repository, tag: tagged ? src.reference : null };
  }
  throw new CognixError({ ...where, message: `cannot push to ${uri}` });
}

/** Content-addressed object key: re-pushing the same bytes finds them there. */
export function objectKey(prefix: string, sha256: string): string {
  return `${prefix === "" ? "" : `${prefix}/`}sha256/${sha256}`;
}
