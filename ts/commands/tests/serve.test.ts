// cognix serve: the image's Cog server on a port until SIGINT, with docker
// (a stand-in) and, where this machine can, a real image under chroot; from
// a subdirectory of the model. cognix run --engine chroot on the same image.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chrootMissing } from "../../runtime/chroot.ts";
import { buildOffline, offlineMissing } from "../../testkit/offline.ts";
import { freePort } from "../../util/free-port.ts";
import { fakeDockerScript, startCogServer, type CogServer } from "./cog-server.ts";
import { capture, cognix, fakeTool, isolatedPath, repo, tempDir } from "./helpers.ts";
import { startCognix } from "./subprocess.ts";

const root = tempDir("serve");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("cognix serve with docker", () => {
  let cog: CogServer;
  beforeAll(async () => {
    cog = await startCogServer();
  });
  afterAll(() => cog.close());

  it("publishes the server on --host:--port with the model's environment, says where, and stops it on SIGINT", async () => {
    const log = join(root, "docker-log");
    const stopped = join(root, "stopped");
    const bin = join(root, "bin");
    // `logs --follow` lasts until the container stops, as docker's does.
    fakeTool(bin, "docker", fakeDockerScript(log, cog.port).replace("  stop) echo \"$2\" ;;", `  stop) : > "${stopped}"; echo "$2" ;;\n  logs) echo "server: starting"; while [ ! -f "${stopped}" ]; do sleep 0.1; done ;;\n  wait) echo 0 ;;`));
    const serve = startCognix(["serve", "acme/model:1", "-p", String(cog.port), "-e", "A=b", "--no-gpus"], { cwd: root, env: { ...process.env, PATH: isolatedPath(root, bin) } });
    await serve.waitFor(/serving at http:\/\/localhost:(\d+)/, 30_000);
    expect((await fetch(`http://127.0.0.1:${cog.port}/health-check`)).status).toBe(200);
    serve.child.kill("SIGINT");
    expect(await serve.exit).toBe(0);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls[0]).toBe(`run --detach --rm --publish 127.0.0.1:${cog.port}:5000 -e A=b acme/model:1`);
    expect(calls).toContain("logs --follow cafe0123");
    expect(calls).toContain("stop cafe0123");
    expect(serve.stderr()).toContain("server: starting");
  }, 60_000);

  it("refuses a port that is not one (exit 2)", async () => {
    const c = capture(root);
    expect(await cognix(["serve", "img", "-p", "70000"], c.ctx)).toBe(2);
    expect(c.err()).toMatch(/^error: --port must be a whole number from 1 to 65535, not "70000"\n/);
  });
});

const missing = [...offlineMissing(), ...chrootMissing()];
if (missing.length > 0) console.warn(`ts/commands: skipping serve and run under chroot: missing ${missing.join(", ")}`);

describe.skipIf(missing.length > 0)("a real image under chroot (examples/minimal built offline)", () => {
  const model = join(root, "minimal");
  const sub = join(model, "src");
  beforeAll(() => {
    cpSync(join(repo, "examples", "minimal"), model, { recursive: true });
    mkdirSync(sub);
    buildOffline(model, join(model, "result"));
  }, 1_800_000);

  it("cognix run --engine chroot, from a subdirectory, runs the model's result with -e", async () => {
    const c = capture(sub);
    expect(await cognix(["run", "--engine", "chroot", "-i", "name=world"], c.ctx)).toBe(0);
    expect(c.out()).toBe("hello world\n");
    const e = capture(sub);
    expect(await cognix(["run", "--engine", "chroot", "-i", "name=there", "-e", "GREETING=hi", "--print-json"], e.ctx)).toBe(0);
    expect(JSON.parse(e.out())).toEqual({ files: [], ok: true, output: "hi there" });
  }, 300_000);

  it("cognix serve --engine chroot serves predictions on the port until SIGINT, then removes what it unpacked", async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith("cognix-serve-"));
    const port = await freePort();
    const serve = startCognix(["serve", "--engine", "chroot", "-p", String(port)], { cwd: sub, env: process.env });
    await serve.waitFor(/serving at http:\/\/localhost:\d+/, 240_000);
    const res = await fetch(`http://127.0.0.1:${port}/predictions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input: { name: "served" } }) });
    expect(await res.json()).toMatchObject({ status: "succeeded", output: "hello served" });
    serve.child.kill("SIGINT");
    expect(await serve.exit).toBe(0);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith("cognix-serve-"))).toEqual(before);
  }, 300_000);
});
