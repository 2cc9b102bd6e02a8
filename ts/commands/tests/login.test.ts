// cognix login: a Replicate CLI token checked with the registry, or a
// username and password, saved where docker keeps them, where push reads them.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCredentials } from "../../registry/credentials.ts";
import { capture } from "../../cli/tests/capture.ts";
import { cognix, fakeTool, isolatedPath, tempDir } from "./helpers.ts";

const dir = tempDir("login");
let server: Server;
let port = 0;
const forms: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      forms.push(`${req.method} ${req.url} ${body}`);
      const token = new URLSearchParams(body).get("token");
      res.writeHead(token === "good-token" ? 200 : 404, { "content-type": "application/json" });
      res.end(token === "good-token" ? JSON.stringify({ username: "alice" }) : "{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const a = server.address();
  port = typeof a === "object" && a !== null ? a.port : 0;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function home(name: string): { env: NodeJS.ProcessEnv; config: string } {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return { env: { ...process.env, DOCKER_CONFIG: d }, config: join(d, "config.json") };
}

describe("cognix login", () => {
  it("--token-stdin checks the token with the registry, saves the user it names, keeps the rest of the config, and push finds it", async () => {
    const h = home("token");
    writeFileSync(h.config, JSON.stringify({ auths: { "other.example": { auth: "eDp5" } }, psFormat: "table" }));
    const c = capture(dir, { env: h.env, stdin: "good-token\n" });
    expect(await cognix(["login", `127.0.0.1:${port}`, "--token-stdin"], c.ctx)).toBe(0);
    expect(forms.at(-1)).toBe("POST /cog/v1/verify-token token=good-token");
    expect(c.err()).toBe(`logged in to 127.0.0.1:${port} as alice (saved in ${h.config})\n`);
    const saved = JSON.parse(readFileSync(h.config, "utf8")) as { auths: Record<string, { auth: string }>; psFormat: string };
    expect(saved.psFormat).toBe("table");
    expect(saved.auths["other.example"]).toEqual({ auth: "eDp5" });
    expect(Buffer.from(saved.auths[`127.0.0.1:${port}`]!.auth, "base64").toString()).toBe("alice:good-token");
    expect(statSync(h.config).mode & 0o777).toBe(0o600);
    const found = await findCredentials(`127.0.0.1:${port}`, "acme/model", { env: h.env });
    expect(found).toMatchObject({ username: "alice", password: "good-token" });
  });

  it("refuses an unknown token, an API token and an empty one, writing nothing", async () => {
    const h = home("refused");
    for (const [token, why] of [
      ["bad-token", `127.0.0.1:${port} knows no user with this token`],
      ["r8_abc", "that looks like a Replicate API token, not a CLI login token"],
      ["", "the token is empty"],
    ] as const) {
      const c = capture(dir, { env: h.env, stdin: `${token}\n` });
      expect(await cognix(["login", `http://127.0.0.1:${port}`, "--token-stdin"], c.ctx)).toBe(1);
      expect(c.err()).toContain(`error: ${why}`);
    }
    expect(() => readFileSync(h.config)).toThrow();
  });

  it("logs in to another registry with -u and --password-stdin", async () => {
    const h = home("password");
    const c = capture(dir, { env: h.env, stdin: "s3cret\n" });
    expect(await cognix(["login", "registry.example.com", "-u", "bob", "--password-stdin"], c.ctx)).toBe(0);
    const saved = JSON.parse(readFileSync(h.config, "utf8")) as { auths: Record<string, { auth: string }> };
    expect(Buffer.from(saved.auths["registry.example.com"]!.auth, "base64").toString()).toBe("bob:s3cret");
  });

  it("stores through the config's credsStore helper when it names one", async () => {
    const h = home("helper");
    writeFileSync(h.config, JSON.stringify({ credsStore: "fake" }));
    const got = join(dir, "helper-got");
    const bin = join(dir, "bin-helper");
    fakeTool(bin, "docker-credential-fake", `[ "$1" = store ] || exit 64\ncat > "${got}"`);
    const c = capture(dir, { env: { ...h.env, PATH: isolatedPath(dir, bin) }, stdin: "pw" });
    expect(await cognix(["login", "registry.example.com", "-u", "bob", "--password-stdin"], c.ctx)).toBe(0);
    expect(JSON.parse(readFileSync(got, "utf8"))).toEqual({ ServerURL: "registry.example.com", Username: "bob", Secret: "pw" });
    expect(JSON.parse(readFileSync(h.config, "utf8"))).toEqual({ credsStore: "fake" });
  });

  it("without a terminal, says which option gives the secret (exit 2)", async () => {
    const h = home("noterm");
    const noUser = capture(dir, { env: h.env });
    expect(await cognix(["login", "registry.example.com"], noUser.ctx)).toBe(2);
    expect(noUser.err()).toMatch(/^error: no terminal to ask for the username: give it with -u USER\n/);
    const noPassword = capture(dir, { env: h.env });
    expect(await cognix(["login", "registry.example.com", "-u", "bob"], noPassword.ctx)).toBe(2);
    expect(noPassword.err()).toMatch(/^error: no terminal to ask for the password: give it on stdin with --password-stdin\n/);
    const mixed = capture(dir, { env: h.env });
    expect(await cognix(["login", "--token-stdin", "-u", "bob"], mixed.ctx)).toBe(2);
  });

  it("refuses a broken docker config rather than overwrite it", async () => {
    const h = home("broken");
    writeFileSync(h.config, "{ not json");
    const c = capture(dir, { env: h.env, stdin: "pw" });
    expect(await cognix(["login", "registry.example.com", "-u", "bob", "--password-stdin"], c.ctx)).toBe(1);
    expect(c.err()).toMatch(new RegExp(`^error: ${h.config}: cannot read it: .*; fix or remove it, then log in again\\n$`));
    expect(readFileSync(h.config, "utf8")).toBe("{ not json");
  });
});
