import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockWeights } from "../lock.ts";

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");

// A bucket server whose listings say what a broken or hostile one might.
describe("bucket listings are checked data", () => {
  let server: Server;
  let host = "";
  const answers = new Map<string, { status: number; type: string; body: string }>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const a = answers.get(`${req.method} ${req.url}`) ?? { status: 404, type: "text/plain", body: "not found" };
      res.writeHead(a.status, { "content-type": a.type, "content-length": Buffer.byteLength(a.body) }).end(req.method === "HEAD" ? undefined : a.body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("an S3 listing whose Size is no byte count is an error naming the object", async () => {
    answers.set("GET /bkt/?list-type=2&prefix=p%2F", {
      status: 200,
      type: "application/xml",
      body: "<ListBucketResult><Contents><Key>p/a.bin</Key><Size>-1</Size></Contents><IsTruncated>false</IsTruncated></ListBucketResult>",
    });
    await expect(lockWeights([{ name: "w", source: "s3://bkt/p", target: "/w" }], null, { env: { AWS_ENDPOINT_URL: `http://${host}` } })).rejects.toThrow(
      'weights[0].source: s3://bkt/p: list s3://bkt/p/: p/a.bin: size "-1" is not a byte count',
    );
  });

  it("a Cloud Storage listing item without a size is an error; a metadata sha256 that is no hex digest is ignored and the object hashed", async () => {
    const url = "GET /storage/v1/b/bkt/o?prefix=q%2F";
    answers.set(url, { status: 200, type: "application/json", body: JSON.stringify({ items: [{ name: "q/a.bin", size: "lots" }] }) });
    const env = { STORAGE_EMULATOR_HOST: host };
    await expect(lockWeights([{ name: "w", source: "gs://bkt/q", target: "/w" }], null, { env })).rejects.toThrow(
      "weights[0].source: gs://bkt/q: list gs://bkt/q/: the answer is not an object resource with a name and a size",
    );
    answers.set(url, { status: 200, type: "application/json", body: JSON.stringify({ items: [{ name: "q/a.bin", size: "3", metadata: { sha256: "A".repeat(64) } }] }) });
    answers.set("GET /storage/v1/b/bkt/o/q%2Fa.bin?alt=media", { status: 200, type: "application/octet-stream", body: "abc" });
    const got = await lockWeights([{ name: "w", source: "gs://bkt/q", target: "/w" }], null, { env });
    expect(got.sets.w!.files).toEqual([{ path: "a.bin", size: 3, sha256: sha("abc"), urls: [`http://${host}/bkt/q/a.bin`] }]);
    answers.set(url, { status: 200, type: "application/json", body: "<html>captive portal</html>" });
    await expect(lockWeights([{ name: "w", source: "gs://bkt/q", target: "/w" }], null, { env })).rejects.toThrow(
      `gs://bkt/q: the answer from http://${host}/storage/v1/b/bkt/o?prefix=q%2F is not JSON: <html>captive portal</html>`,
    );
  });
});
