import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { pushImageWith } from "../push.ts";
import { defaultRetryPolicy } from "../../http/retry.ts";
import { startAuthProxy, type AuthProxy } from "./helpers/auth-proxy.ts";
import { tempDir } from "../../testkit/temp-dir.ts";
import { haveTool, REGISTRY_BIN, startRegistry, type RunningRegistry } from "../../testkit/registry.ts";
import { makeImage } from "./helpers/image.ts";

const missing = haveTool(REGISTRY_BIN) ? [] : [REGISTRY_BIN];
if (missing.length > 0) console.warn(`skipping registry auth tests: missing ${missing.join(", ")}`);

const USER = "alice";
const PASSWORD = "s3cret-Pa55word-9f2c";
const REFRESH = "refresh-7d1e0b6a9c";

function capture() {
  const chunks: Buffer[] = [];
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 }) as unknown as NodeJS.WriteStream;
  (stderr as unknown as PassThrough).on("data", (c: Buffer) => chunks.push(c));
  return { stderr, text: () => Buffer.concat(chunks).toString() };
}

describe.skipIf(missing.length > 0)("registry authentication", () => {
  let reg: RunningRegistry;
  const { dir, cleanup } = tempDir("auth");
  beforeAll(async () => {
    reg = await startRegistry();
  });
  afterAll(async () => {
    await reg?.stop();
    cleanup();
  });

  function authFile(name: string, content: unknown): string {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(content));
    return p;
  }

  // Each push has an image and a cache of its own: the tests share one
  // registry, where a second push of one image would upload nothing.
  let pushes = 0;
  async function push(proxy: AuthProxy, env: NodeJS.ProcessEnv, authFilePath?: string) {
    const n = ++pushes;
    const img = makeImage(2, n);
    const out = capture();
    const opts = { ref: `${proxy.host}/auth/model:t`, configBlob: img.config, layers: img.layers, insecure: true, cacheDir: join(dir, `cache-${n}`), progress: true };
    const run = pushImageWith(authFilePath !== undefined ? { ...opts, authFile: authFilePath } : opts, {
      retry: { ...defaultRetryPolicy, attempts: 2, baseDelayMs: 1 },
      env,
      stdout: new PassThrough(),
      stderr: out.stderr,
    });
    return { run, out };
  }

  const b64 = (s: string): string => Buffer.from(s).toString("base64");

  it("pushes with Basic auth from an auths entry", async () => {
    const proxy = await startAuthProxy(reg.port, { mode: "basic", user: USER, password: PASSWORD });
    try {
      const file = authFile("basic.json", { auths: { [proxy.host]: { auth: b64(`${USER}:${PASSWORD}`) } } });
      const { run } = await push(proxy, { HOME: "/nonexistent" }, file);
      const r = await run;
      expect(r.uploaded).toHaveLength(3);
    } finally {
      await proxy.stop();
    }
  });

  it("pushes with Bearer tokens, credentials from $DOCKER_CONFIG, one token per scope", async () => {
    const proxy = await startAuthProxy(reg.port, { mode: "bearer", user: USER, password: PASSWORD });
    try {
      const cfgDir = join(dir, "docker-bearer");
      mkdirSync(cfgDir, { recursive: true });
      writeFileSync(join(cfgDir, "config.json"), JSON.stringify({ auths: { [`http://${proxy.host}`]: { auth: b64(`${USER}:${PASSWORD}`) } } }));
      const { run } = await push(proxy, { HOME: "/nonexistent", DOCKER_CONFIG: cfgDir });
      const r = await run;
      expect(r.uploaded).toHaveLength(3);
      const scopes = proxy.tokenRequests.map((t) => t.scope.join(" "));
      expect(new Set(scopes).size).toBe(scopes.length);
      expect(scopes.some((s) => s.includes("repository:auth/model:pull,push"))).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it("uses a credential helper named in credHelpers", async () => {
    const proxy = await startAuthProxy(reg.port, { mode: "bearer", user: USER, password: PASSWORD });
    try {
      const bin = join(dir, "bin");
      mkdirSync(bin, { recursive: true });
      const helper = join(bin, "docker-credential-testhelper");
      // The helper checks it was asked about this host on stdin.
      writeFileSync(
        helper,
        `#!/bin/sh\nread host\n[ "$1" = get ] && [ "$host" = "${proxy.host}" ] || { echo "credentials not found in native keychain"; exit 1; }\n` +
          `printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$host"\n`,
      );
      chmodSync(helper, 0o755);
      const file = authFile("helper.json", { credHelpers: { [proxy.host]: "testhelper" } });
      const { run } = await push(proxy, { HOME: "/nonexistent", PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` }, file);
      expect((await run).uploaded).toHaveLength(3);
    } finally {
      await proxy.stop();
    }
  });

  it("trades an identity token for access tokens (refresh_token grant)", async () => {
    const proxy = await startAuthProxy(reg.port, { mode: "bearer", user: USER, password: PASSWORD, refreshToken: REFRESH });
    try {
      const file = authFile("identity.json", { auths: { [proxy.host]: { auth: b64(`${USER}:`), identitytoken: REFRESH } } });
      const { run } = await push(proxy, { HOME: "/nonexistent" }, file);
      expect((await run).uploaded).toHaveLength(3);
      expect(proxy.tokenRequests.length).toBeGreaterThan(0);
      expect(proxy.tokenRequests.every((t) => t.method === "POST" && t.grant === "refresh_token")).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  for (const mode of ["basic", "bearer"] as const) {
    it(`bad ${mode} credentials give a clear error that prints no secret`, async () => {
      const proxy = await startAuthProxy(reg.port, { mode, user: USER, password: PASSWORD });
      const wrong = "wr0ng-Secret-123";
      try {
        const file = authFile(`bad-${mode}.json`, { auths: { [proxy.host]: { auth: b64(`${USER}:${wrong}`) } } });
        const { run, out } = await push(proxy, { HOME: "/nonexistent" }, file);
        const err = await run.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CognixError);
        expect((err as CognixError).exitCode).not.toBe(0);
        const msg = (err as Error).message;
        expect(msg).toBe(`authentication failed for ${proxy.host} (401): check the credentials for this registry in ${file}`);
        for (const secret of [wrong, PASSWORD, b64(`${USER}:${wrong}`), ...proxy.issued]) {
          expect(msg).not.toContain(secret);
          expect(out.text()).not.toContain(secret);
          expect(String((err as Error).stack)).not.toContain(secret);
        }
      } finally {
        await proxy.stop();
      }
    });
  }

  it("missing credentials say how to log in", async () => {
    const proxy = await startAuthProxy(reg.port, { mode: "bearer", user: USER, password: PASSWORD });
    try {
      const { run } = await push(proxy, { HOME: join(dir, "empty-home") });
      await expect(run).rejects.toThrow(`authentication required for ${proxy.host} (401): no credentials found; run \`docker login ${proxy.host}\``);
    } finally {
      await proxy.stop();
    }
  });
});
