import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialFiles, findCredentials } from "../credentials.ts";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

describe("findCredentials", () => {
  let dir: string;
  let bin: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "cognix-creds-"));
    bin = join(dir, "bin");
    mkdirSync(bin);
    // A helper that knows one host and logs what it was asked.
    const helper = join(bin, "docker-credential-fake");
    writeFileSync(
      helper,
      `#!/bin/sh\nread host\necho "$1 $host" >> "${join(dir, "helper.log")}"\n` +
        `case "$host" in\n  r8.im) echo '{"ServerURL":"r8.im","Username":"u","Secret":"helper-pw"}';;\n` +
        `  https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"<token>","Secret":"idtok"}';;\n` +
        `  *) echo "credentials not found in native keychain"; exit 1;;\nesac\n`,
    );
    chmodSync(helper, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ HOME: join(dir, "home"), PATH: `${bin}:/usr/bin:/bin`, ...extra });
  function file(name: string, content: unknown): string {
    const p = join(dir, name);
    writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
    return p;
  }

  it("decodes an auths entry, matching scheme-prefixed keys", async () => {
    const f = file("a.json", { auths: { "https://r8.im": { auth: b64("me:pa:ss") } } });
    expect(await findCredentials("r8.im", "u/m", { authFile: f, env: env() })).toEqual({ username: "me", password: "pa:ss", source: f });
  });

  it("matches containers auth.json repository-scoped keys, longest first", async () => {
    const f = file("c.json", { auths: { "quay.io": { auth: b64("a:1") }, "quay.io/org": { auth: b64("b:2") } } });
    expect((await findCredentials("quay.io", "org/img", { authFile: f, env: env() }))?.username).toBe("b");
    expect((await findCredentials("quay.io", "other/img", { authFile: f, env: env() }))?.username).toBe("a");
  });

  it("uses Docker Hub's legacy key", async () => {
    const f = file("hub.json", { auths: { "https://index.docker.io/v1/": { auth: b64("hub:pw") } } });
    expect((await findCredentials("docker.io", "library/x", { authFile: f, env: env() }))?.username).toBe("hub");
  });

  it("prefers credHelpers, then credsStore, then auths; helper 'not found' falls through", async () => {
    const f = file("h.json", { credsStore: "fake", credHelpers: { "r8.im": "fake" }, auths: { "ghcr.io": { auth: b64("inline:pw") } } });
    expect(await findCredentials("r8.im", "u/m", { authFile: f, env: env() })).toEqual({ username: "u", password: "helper-pw", source: "credential helper docker-credential-fake" });
    expect((await findCredentials("ghcr.io", "o/i", { authFile: f, env: env() }))?.username).toBe("inline");
    expect(await findCredentials("docker.io", "library/x", { authFile: f, env: env() })).toEqual({ identityToken: "idtok", source: "credential helper docker-credential-fake" });
  });

  it("reports a helper missing from PATH by name", async () => {
    const f = file("m.json", { credHelpers: { "r8.im": "nope" } });
    await expect(findCredentials("r8.im", "u/m", { authFile: f, env: env() })).rejects.toThrow("credential helper docker-credential-nope for r8.im is not on PATH");
  });

  it("names the file of a malformed config, and finds nothing when there is none", async () => {
    const f = file("bad.json", "{ not json");
    await expect(findCredentials("r8.im", "u/m", { authFile: f, env: env() })).rejects.toThrow(`${f}: cannot parse registry credentials`);
    expect(await findCredentials("r8.im", "u/m", { env: env() })).toBeUndefined();
  });

  it("looks in REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR and DOCKER_CONFIG in that order", () => {
    expect(credentialFiles({ env: { REGISTRY_AUTH_FILE: "/a.json", XDG_RUNTIME_DIR: "/run/u", DOCKER_CONFIG: "/dc", HOME: "/h" } })).toEqual([
      "/a.json",
      "/run/u/containers/auth.json",
      "/dc/config.json",
    ]);
    expect(credentialFiles({ env: { HOME: "/h" } })).toEqual(["/h/.docker/config.json"]);
    expect(credentialFiles({ authFile: "/x.json", env: { HOME: "/h" } })).toEqual(["/x.json"]);
  });
});
