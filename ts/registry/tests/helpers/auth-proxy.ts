import { randomBytes } from "node:crypto";
import http from "node:http";
import { listenLoopback } from "../../../testkit/loopback.ts";

export interface AuthProxy {
  host: string;
  port: number;
  /** Tokens handed out, to check they never leak. */
  issued: string[];
  tokenRequests: { method: string; scope: string[]; grant?: string }[];
  stop(): Promise<void>;
}

export interface AuthProxyOptions {
  mode: "basic" | "bearer";
  user: string;
  password: string;
  /** Refresh token accepted by the token endpoint (identity-token logins). */
  refreshToken?: string;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
  });
}

/**
 * Puts Basic or Bearer auth in front of a registry: the registry calls are
 * proxied only with valid credentials; `/token` is the token server.
 */
export async function startAuthProxy(targetPort: number, o: AuthProxyOptions): Promise<AuthProxy> {
  const issued: string[] = [];
  const tokenRequests: AuthProxy["tokenRequests"] = [];
  const basic = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString("base64")}`;
  let port = 0;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/token") {
      const body = await readBody(req);
      const form = new URLSearchParams(body);
      const scope = req.method === "POST" ? (form.get("scope") ?? "").split(" ").filter(Boolean) : url.searchParams.getAll("scope");
      const entry: AuthProxy["tokenRequests"][number] = { method: req.method ?? "", scope };
      const grant = form.get("grant_type");
      if (grant !== null) entry.grant = grant;
      tokenRequests.push(entry);
      const ok = req.method === "POST" ? o.refreshToken !== undefined && form.get("refresh_token") === o.refreshToken : req.headers.authorization === basic;
      if (!ok) {
        res.writeHead(401, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ details: "incorrect username or password" }));
        return;
      }
      const token = `tok-${randomBytes(12).toString("hex")}`;
      issued.push(token);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(req.method === "POST" ? { access_token: token } : { token }));
      return;
    }
    const auth = req.headers.authorization;
    const allowed = o.mode === "basic" ? auth === basic : auth !== undefined && issued.some((t) => auth === `Bearer ${t}`);
    if (!allowed) {
      req.resume();
      const challenge =
        o.mode === "basic"
          ? `Basic realm="test registry"`
          : `Bearer realm="http://127.0.0.1:${port}/token",service="test-registry"`;
      res.writeHead(401, { "WWW-Authenticate": challenge, "Content-Type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
      return;
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    const up = http.request({ host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers, agent: false }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on("error", () => req.socket.destroy());
    req.pipe(up);
  });
  const listening = await listenLoopback(server);
  port = listening.port;
  return { host: listening.host, port, issued, tokenRequests, stop: listening.stop };
}
