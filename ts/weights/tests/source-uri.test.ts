import { describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { selectPaths } from "../glob.ts";
import { parsePushDestination, objectKey } from "../push-destination.ts";
import { parseSourceUri } from "../source-uri.ts";

describe("parseSourceUri", () => {
  it("parses each scheme", () => {
    expect(parseSourceUri("hf://acme/base@0123abc/unet/")).toEqual({ kind: "hf", repo: "acme/base", revision: "0123abc", subdir: "unet" });
    expect(parseSourceUri("hf://acme/base")).toEqual({ kind: "hf", repo: "acme/base", revision: null, subdir: "" });
    expect(parseSourceUri("https://example.com/a/model.bin?x=1")).toEqual({ kind: "http", url: "https://example.com/a/model.bin?x=1" });
    expect(parseSourceUri("s3://my-bucket/models/m1")).toEqual({ kind: "s3", bucket: "my-bucket", key: "models/m1" });
    expect(parseSourceUri("gs://my-bucket")).toEqual({ kind: "gs", bucket: "my-bucket", key: "" });
    expect(parseSourceUri("oci://ghcr.io/acme/weights:v1")).toEqual({ kind: "oci", registry: "ghcr.io", repository: "acme/weights", reference: "v1" });
    expect(parseSourceUri(`oci://127.0.0.1:5000/w@sha256:${"a".repeat(64)}`)).toMatchObject({ registry: "127.0.0.1:5000", reference: `sha256:${"a".repeat(64)}` });
    expect(parseSourceUri("oci://r.io/w")).toMatchObject({ reference: "latest" });
  });

  it("rejects bad URIs naming the key", () => {
    const bad = ["hf://acme", "hf://acme/base@rev/../x", "https://example.com/", "s3://A_B/x", "s3://bkt/../x", "oci://host/UPPER", "ftp://x/y", "./weights"];
    for (const uri of bad) {
      let err: unknown;
      try {
        parseSourceUri(uri, { file: "cognix.json", path: ["weights", 0, "source"] });
      } catch (e) {
        err = e;
      }
      expect(err, uri).toBeInstanceOf(CognixError);
      expect((err as Error).message, uri).toMatch(/^cognix\.json: weights\[0\]\.source: /);
      expect((err as Error).message, uri).toContain(JSON.stringify(uri));
    }
  });
});

describe("push destinations", () => {
  it("parses buckets and registries", () => {
    expect(parsePushDestination("s3://bkt/models/m/")).toEqual({ kind: "s3", bucket: "bkt", prefix: "models/m" });
    expect(parsePushDestination("gs://bkt")).toEqual({ kind: "gs", bucket: "bkt", prefix: "" });
    expect(parsePushDestination("oci://localhost:5000/acme/w:v1")).toEqual({ kind: "oci", registry: "localhost:5000", repository: "acme/w", tag: "v1" });
    expect(parsePushDestination("oci://localhost:5000/acme/w")).toEqual({ kind: "oci", registry: "localhost:5000", repository: "acme/w", tag: null });
    expect(() => parsePushDestination("https://x/y")).toThrow(/--to: expected s3:/);
    expect(objectKey("", "ab")).toBe("sha256/ab");
    expect(objectKey("m", "ab")).toBe("m/sha256/ab");
  });
});

describe("include/exclude globs", () => {
  const files = ["config.json", "unet/model.safetensors", "unet/model.bin", "text_encoder/model.safetensors", "README.md", "docs/a/b.md"].map((path) => ({ path }));
  const pick = (inc: string[], exc: string[]): string[] => selectPaths(files, inc, exc).map((f) => f.path);
  it("matches base names anywhere when the pattern has no slash", () => {
    expect(pick(["*.safetensors"], [])).toEqual(["unet/model.safetensors", "text_encoder/model.safetensors"]);
    expect(pick([], ["*.md", "*.bin"])).toEqual(["config.json", "unet/model.safetensors", "text_encoder/model.safetensors"]);
  });
  it("anchors patterns with a slash and lets ** cross directories", () => {
    expect(pick(["unet/*"], [])).toEqual(["unet/model.safetensors", "unet/model.bin"]);
    expect(pick(["**/b.md"], [])).toEqual(["docs/a/b.md"]);
    expect(pick(["docs/**"], [])).toEqual(["docs/a/b.md"]);
    expect(pick(["unet/model.[bs]*"], ["*.bin"])).toEqual(["unet/model.safetensors"]);
    expect(pick(["?onfig.json"], [])).toEqual(["config.json"]);
  });
});
