import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EMPTY_SHA256, canonicalQuery, signV4, uriEncode } from "../s3/sigv4.ts";

// The worked examples of AWS's "Signature Calculations for the Authorization
// Header (single chunk)" page for Amazon S3.
const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const date = new Date(Date.UTC(2013, 4, 24, 0, 0, 0));
const common = { host: "examplebucket.s3.amazonaws.com", region: "us-east-1", service: "s3", credentials, date };
const signature = (h: Record<string, string>): string => /Signature=([0-9a-f]{64})$/.exec(h.authorization ?? "")![1]!;

describe("AWS SigV4", () => {
  it("signs GET object with a Range header", () => {
    const h = signV4({ ...common, method: "GET", path: "/test.txt", headers: { Range: "bytes=0-9" }, payloadHash: EMPTY_SHA256 });
    expect(h.authorization).toContain("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,");
    expect(h.authorization).toContain("Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request");
    expect(signature(h)).toBe("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  });

  it("signs PUT object with a reserved character in the key and a payload hash", () => {
    const body = "Welcome to Amazon S3.";
    const h = signV4({
      ...common,
      method: "PUT",
      path: `/${uriEncode("test$file.text", true)}`,
      headers: { Date: "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY" },
      payloadHash: createHash("sha256").update(body).digest("hex"),
    });
    expect(signature(h)).toBe("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  });

  it("signs a sub-resource query without a value", () => {
    const h = signV4({ ...common, method: "GET", path: "/", query: { lifecycle: "" }, payloadHash: EMPTY_SHA256 });
    expect(signature(h)).toBe("fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  });

  it("signs a list with sorted query parameters", () => {
    const h = signV4({ ...common, method: "GET", path: "/", query: { prefix: "J", "max-keys": "2" }, payloadHash: EMPTY_SHA256 });
    expect(signature(h)).toBe("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  });

  it("encodes keys and queries as RFC 3986 asks", () => {
    expect(uriEncode("a b/c+d~é", true)).toBe("a%20b/c%2Bd~%C3%A9");
    expect(uriEncode("a/b")).toBe("a%2Fb");
    expect(canonicalQuery({ uploads: "", b: "x y", a: "1" })).toBe("a=1&b=x%20y&uploads=");
  });

  it("adds the session token and signs it", () => {
    const h = signV4({ ...common, credentials: { ...credentials, sessionToken: "tok" }, method: "GET", path: "/", payloadHash: EMPTY_SHA256 });
    expect(h["x-amz-security-token"]).toBe("tok");
    expect(h.authorization).toContain("x-amz-security-token");
  });
});
