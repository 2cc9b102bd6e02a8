import { describe, expect, it } from "vitest";
import { buildManifest, diffIdsOf, mappingsFrom, parseImageManifest } from "../manifest.ts";

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const gz = "application/vnd.oci.image.layer.v1.tar+gzip";

describe("manifests", () => {
  const config = { mediaType: "application/vnd.oci.image.config.v1+json", digest: d("c"), size: 3 };
  const layers = [
    { mediaType: gz, digest: d("1"), size: 10 },
    { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: d("2"), size: 20 },
  ];

  it("builds a stable OCI manifest that parses back", () => {
    const m = buildManifest(config, layers);
    expect(buildManifest({ size: 3, digest: d("c"), mediaType: config.mediaType }, layers).equals(m)).toBe(true);
    expect(JSON.parse(m.toString())).toMatchObject({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json" });
    expect(parseImageManifest("", m)).toEqual({ config, layers });
  });

  it("rejects indexes and malformed manifests", () => {
    expect(parseImageManifest("application/vnd.oci.image.index.v1+json", Buffer.from('{"manifests":[]}'))).toBeUndefined();
    expect(parseImageManifest("", Buffer.from("not json"))).toBeUndefined();
    const bad = JSON.stringify({ mediaType: "application/vnd.oci.image.manifest.v1+json", config, layers: [{ digest: "md5:x", size: 1, mediaType: gz }] });
    expect(parseImageManifest("", Buffer.from(bad))).toBeUndefined();
  });

  it("pairs diff_ids with compressed layers, only those with a known compression", () => {
    const cfg = Buffer.from(JSON.stringify({ rootfs: { type: "layers", diff_ids: [d("a"), d("b")] } }));
    const ids = diffIdsOf(cfg) ?? [];
    expect(ids).toEqual([d("a"), d("b")]);
    expect(mappingsFrom(layers, ids)).toEqual([{ diffId: d("a"), digest: d("1"), size: 10, mediaType: gz }]);
    expect(mappingsFrom(layers, [d("a")])).toEqual([]);
    expect(diffIdsOf(Buffer.from("{}"))).toBeUndefined();
  });
});
