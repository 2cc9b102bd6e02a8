import { CognixError } from "../util/errors.ts";

/** A parsed weights source URI (cog.yaml `weights[].source`). */
export type WeightSource =
  | { kind: "hf"; repo: string; revision: string | null; subdir: string }
  | { kind: "http"; url: string }
  | { kind: "s3"; bucket: string; key: string }
  | { kind: "gs"; bucket: string; key: string }
  | { kind: "oci"; registry: string; repository: string; reference: string };

const HF_RE = /^hf:\/\/([A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@([^/]+))?(?:\/(.*))?$/;
const BUCKET_RE = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const OCI_RE = /^oci:\/\/([^/]+)\/([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([A-Za-z0-9_][A-Za-z0-9._-]{0,127})|@(sha256:[0-9a-f]{64}))?$/;

/** Parses a source URI; `where` names the cog.yaml/cognix.json key for errors. */
export function parseSourceUri(uri: string, where: { file?: string; path?: (string | number)[] } = {}): WeightSource {
  const fail = (message: string): never => {
    throw new CognixError({ ...where, message: `${message}: ${JSON.stringify(uri)}` });
  };
  if (uri.startsWith("hf://")) {
    const m = HF_RE.exec(uri);
    if (!m) return fail("expected hf://org/repo[@revision][/dir]");
    const subdir = (m[3] ?? "").replace(/\/+$/, "");
    if (subdir.split("/").some((s) => s === "." || s === ".." || (s === "" && subdir !== ""))) {
      return fail("hf:// directory must not contain '.', '..' or empty segments");
    }
    return { kind: "hf", repo: m[1]!, revision: m[2] ?? null, subdir };
  }
  if (uri.startsWith("https://") || uri.startsWith("http://")) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return fail("not a valid URL");
    }
    if (url.pathname === "/" || url.pathname.endsWith("/")) return fail("an http(s) source must name a file");
    return { kind: "http", url: url.href };
  }
  for (const kind of ["s3", "gs"] as const) {
    if (uri.startsWith(`${kind}://`)) {
      const rest = uri.slice(kind.length + 3);
      const slash = rest.indexOf("/");
      const bucket = slash < 0 ? rest : rest.slice(0, slash);
      const key = slash < 0 ? "" : rest.slice(slash + 1);
      if (!BUCKET_RE.test(bucket)) return fail(`expected ${kind}://bucket/key with a valid bucket name`);
      if (key.split("/").some((s) => s === "." || s === "..")) return fail("object key must not contain '.' or '..' segments");
      return { kind, bucket, key };
    }
  }
  if (uri.startsWith("oci://")) {
    const m = OCI_RE.exec(uri);
    if (!m) return fail("expected oci://host/repository[:tag|@sha256:digest]");
    return { kind: "oci", registry: m[1]!, repository: m[2]!, reference: m[4] ?? m[3] ?? "latest" };
  }
  return fail("unsupported weights source (use hf://, https://, s3://, gs:// or oci://)");
}
