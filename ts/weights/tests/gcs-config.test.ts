import { describe, expect, it } from "vitest";
import { predefinedAcl } from "../gcs/acl.ts";
import { GcsClient } from "../gcs/client.ts";
import { gcsConfigFromEnv } from "../gcs/config.ts";

describe("gs:// endpoint, token and URLs", () => {
  it("defaults to Cloud Storage, anonymous; records public XML-API URLs and reads through the JSON API", () => {
    const config = gcsConfigFromEnv({});
    expect(config).toEqual({ endpoint: "https://storage.googleapis.com", token: null });
    const client = new GcsClient(config);
    expect(client.objectUrl("my-bucket", "models/a b+c.bin")).toBe("https://storage.googleapis.com/my-bucket/models/a%20b%2Bc.bin");
    expect(client.mediaUrl("my-bucket", "models/a b+c.bin")).toBe("https://storage.googleapis.com/storage/v1/b/my-bucket/o/models%2Fa%20b%2Bc.bin?alt=media");
    expect(client.uploadUrl("my-bucket", { uploadType: "resumable", name: "p/sha256/x" })).toBe(
      "https://storage.googleapis.com/upload/storage/v1/b/my-bucket/o?uploadType=resumable&name=p%2Fsha256%2Fx",
    );
    expect(client.authHeaders(client.mediaUrl("my-bucket", "x"))).toEqual({});
  });

  it("reads STORAGE_EMULATOR_HOST as Google's clients do: host:port means http", () => {
    expect(gcsConfigFromEnv({ STORAGE_EMULATOR_HOST: "127.0.0.1:9023" }).endpoint).toBe("http://127.0.0.1:9023");
    expect(gcsConfigFromEnv({ STORAGE_EMULATOR_HOST: "localhost:4443" }).endpoint).toBe("http://localhost:4443");
    expect(gcsConfigFromEnv({ STORAGE_EMULATOR_HOST: "https://gcs.example:8443/" }).endpoint).toBe("https://gcs.example:8443");
  });

  it("refuses an emulator host it cannot use, naming the variable", () => {
    for (const bad of ["ftp://gcs.example", "http://a b", "http://gcs.example/?x=1"]) {
      expect(() => gcsConfigFromEnv({ STORAGE_EMULATOR_HOST: bad })).toThrow(`STORAGE_EMULATOR_HOST: expected host:port or an http(s) URL, got ${JSON.stringify(bad)}`);
    }
  });

  it("sends the token only to the endpoint's origin, and never in clear off this machine", () => {
    const client = new GcsClient(gcsConfigFromEnv({ GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.t" }));
    expect(client.authHeaders("https://storage.googleapis.com/upload/storage/v1/b/b/o?upload_id=1")).toEqual({ authorization: "Bearer ya29.t" });
    expect(client.authHeaders("https://storage-upload.example/upload?upload_id=1")).toEqual({});
    expect(client.authHeaders("http://storage.googleapis.com/b/o")).toEqual({});
    expect(gcsConfigFromEnv({ GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.t", STORAGE_EMULATOR_HOST: "127.0.0.1:9023" }).token).toBe("ya29.t");
    expect(() => gcsConfigFromEnv({ GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.t", STORAGE_EMULATOR_HOST: "gcs.internal:9023" })).toThrow(
      "GOOGLE_OAUTH_ACCESS_TOKEN is not sent in clear to http://gcs.internal:9023; use https or unset it",
    );
  });

  it("maps --acl from S3's canned names to predefinedAcl and refuses others", () => {
    expect(predefinedAcl("public-read")).toBe("publicRead");
    expect(predefinedAcl("bucket-owner-full-control")).toBe("bucketOwnerFullControl");
    expect(predefinedAcl("projectPrivate")).toBe("projectPrivate");
    expect(() => predefinedAcl("public-read-write")).toThrow('--acl: "public-read-write" is no Cloud Storage predefined ACL');
  });
});
