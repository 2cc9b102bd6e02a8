import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

export const SKOPEO = "/usr/bin/skopeo";

interface Desc {
  digest: string;
  mediaType: string;
  size: number;
}

/** Pulls `ref` into an OCI layout with skopeo; returns the manifest and the uncompressed layers. */
export function pullWithSkopeo(ref: string, dir: string): { manifestDigest: string; layers: Desc[]; uncompressed: Buffer[]; config: Buffer } {
  execFileSync(SKOPEO, ["--insecure-policy", "copy", "--src-tls-verify=false", `docker://${ref}`, `oci:${dir}:pulled`], { stdio: "pipe" });
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { manifests: Desc[] };
  const top = index.manifests[0] as Desc;
  const blob = (d: string): Buffer => readFileSync(join(dir, "blobs", "sha256", d.slice(7)));
  const manifest = JSON.parse(blob(top.digest).toString()) as { layers: Desc[]; config: Desc };
  return {
    manifestDigest: top.digest,
    layers: manifest.layers,
    uncompressed: manifest.layers.map((l) => gunzipSync(blob(l.digest))),
    config: blob(manifest.config.digest),
  };
}

export function inspectWithSkopeo(ref: string): { Digest: string; Layers: string[] } {
  const out = execFileSync(SKOPEO, ["inspect", "--tls-verify=false", `docker://${ref}`], { stdio: "pipe" }).toString();
  return JSON.parse(out) as { Digest: string; Layers: string[] };
}
