import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { listenLoopback } from "../../../testkit/loopback.ts";

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface FakeRegistryOptions {
  /** `user:password` every registry request must carry as Basic auth. */
  basic?: string;
  /** Where upload sessions live (an absolute URL may name another host). */
  uploadLocation?: (name: string, id: string) => string;
  /** Sees every request first; returns true when it answered it itself. */
  intercept?: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => boolean;
}

export interface FakeRegistry {
  host: string;
  port: number;
  url: string;
  requests: SeenRequest[];
  blobs: Map<string, Buffer>;
  manifests: Map<string, { type: string; body: Buffer }>;
  stop(): Promise<void>;
}

const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/**
 * An in-memory OCI distribution server on 127.0.0.1 whose behaviour a test
 * can bend: where uploads go, what it answers, what it requires.
 */
export async function startFakeRegistry(opts: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const requests: SeenRequest[] = [];
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, { type: string; body: Buffer }>();
  const uploads = new Map<string, Buffer[]>();
  const basic = opts.basic !== undefined ? `Basic ${Buffer.from(opts.basic).toString("base64")}` : undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://x");
      requests.push({ method: req.method ?? "", path: url.pathname + url.search, authorization: req.headers.authorization });
      if (opts.intercept?.(req, res, body) === true) return;
      if (basic !== undefined && req.headers.authorization !== basic) {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="fake"' }).end();
        return;
      }
      handle(req.method ?? "", url, body, res);
    });
  });

  function handle(method: string, url: URL, body: Buffer, res: http.ServerResponse): void {
    const p = url.pathname;
    if (p === "/v2/") return void res.writeHead(200).end("{}");
    let m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(p);
    if (m !== null) {
      const name = m[1] as string;
      let id = m[2] as string;
      if (method === "POST") {
        id = randomBytes(8).toString("hex");
        uploads.set(id, []);
        const location = opts.uploadLocation?.(name, id) ?? `/v2/${name}/blobs/uploads/${id}`;
        return void res.writeHead(202, { Location: location, Range: "0-0", "Content-Length": "0" }).end();
      }
      const parts = uploads.get(id) ?? [];
      uploads.set(id, parts);
      const stored = (): number => parts.reduce((n, b) => n + b.length, 0);
      if (method === "PATCH") {
        parts.push(body);
        return void res.writeHead(202, { Location: p, Range: `0-${stored() - 1}`, "Content-Length": "0" }).end();
      }
      if (method === "GET") return void res.writeHead(204, { Location: p, Range: `0-${Math.max(0, stored() - 1)}` }).end();
      if (method === "PUT") {
        parts.push(body);
        const blob = Buffer.concat(parts);
        const digest = url.searchParams.get("digest") ?? "";
        if (sha256(blob) !== digest) return void res.writeHead(400).end('{"errors":[{"code":"DIGEST_INVALID"}]}');
        blobs.set(digest, blob);
        uploads.delete(id);
        return void res.writeHead(201, { "Docker-Content-Digest": digest, Location: `/v2/${name}/blobs/${digest}` }).end();
      }
      if (method === "DELETE") return void res.writeHead(204).end();
    }
    m = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(p);
    if (m !== null) {
      const blob = blobs.get(m[2] as string);
      if (blob === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { "Content-Length": String(blob.length), "Docker-Content-Digest": m[2] as string });
      return void res.end(method === "HEAD" ? undefined : blob);
    }
    m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(p);
    if (m !== null) {
      const ref = m[2] as string;
      if (method === "PUT") {
        const entry = { type: "application/vnd.oci.image.manifest.v1+json", body };
        manifests.set(ref, entry);
        manifests.set(sha256(body), entry);
        return void res.writeHead(201, { "Docker-Content-Digest": sha256(body) }).end();
      }
      const entry = manifests.get(ref);
      if (entry === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { "Content-Type": entry.type, "Content-Length": String(entry.body.length), "Docker-Content-Digest": sha256(entry.body) });
      return void res.end(method === "HEAD" ? undefined : entry.body);
    }
    res.writeHead(404).end();
  }

  return { ...(await listenLoopback(server)), requests, blobs, manifests };
}
