// cognix run (and its alias predict): the `cog predict` command line, the
// docker/podman flow against a stand-in Cog server, and Cog's flags: -i with
// @files checked before anything starts, -o, -e, --json INPUTS,
// --setup-timeout, --gpus; each also from a subdirectory of a model.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cogArgs, engineRunArgs, labelWantsGpu, type PredictOptions } from "../predict.ts";
import { fakeDockerScript, openapiWith, png, startCogServer, type CogServer } from "./cog-server.ts";
import { capture, cognix, fakeTool, fixtures, isolatedPath, tempDir } from "./helpers.ts";

const none: PredictOptions = { gpus: undefined, env: {}, setupTimeout: undefined, output: undefined, json: undefined };

describe("run command lines", () => {
  it("cog predict gets the image, the inputs and each of Cog's flags that was given", () => {
    expect(cogArgs("r8.im/a/b", ["x=1", "img=@a.png"], none)).toEqual(["predict", "r8.im/a/b", "-i", "x=1", "-i", "img=@a.png"]);
    expect(cogArgs("img", [], { gpus: "all", env: { A: "1" }, setupTimeout: 30, output: "o.png", json: "@in.json" })).toEqual([
      "predict", "img", "--gpus", "all", "--json", "@in.json", "-o", "o.png", "-e", "A=1", "--setup-timeout", "30",
    ]);
  });

  it("docker gets --gpus as given, podman the CDI device, a CPU model neither; -e goes to the container", () => {
    expect(engineRunArgs("docker", "img", "all", { HF_HOME: "/h" })).toEqual(["run", "--detach", "--rm", "--publish", "127.0.0.1::5000", "--gpus", "all", "-e", "HF_HOME=/h", "img"]);
    expect(engineRunArgs("docker", "img", "device=1")).toContain("device=1");
    expect(engineRunArgs("podman", "img", "all")).toContain("nvidia.com/gpu=all");
    expect(engineRunArgs("docker", "img", null)).not.toContain("--gpus");
  });

  it("reads the GPU flag from the run.cog.config label", () => {
    expect(labelWantsGpu(JSON.stringify({ build: { gpu: true, python_version: "3.12" } }))).toBe(true);
    expect(labelWantsGpu(JSON.stringify({ build: { python_version: "3.12" } }))).toBe(false);
    expect(labelWantsGpu("")).toBe(false);
    expect(labelWantsGpu("not json")).toBe(false);
  });
});

describe("cognix run", () => {
  let dir = "";
  let cog: CogServer;
  let n = 0;
  /** A fresh working directory with a stand-in docker publishing the stand-in server. */
  let work: { dir: string; log: string; env: NodeJS.ProcessEnv } = { dir: "", log: "", env: {} };

  beforeAll(async () => {
    dir = tempDir("run");
    cog = await startCogServer();
  });
  afterAll(async () => {
    await cog.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    const d = join(dir, `case${n++}`);
    mkdirSync(d);
    const log = join(d, "docker-log");
    fakeTool(join(d, "bin"), "docker", fakeDockerScript(log, cog.port, { label: JSON.stringify({ build: { gpu: true } }) }));
    work = { dir: d, log, env: { ...process.env, PATH: isolatedPath(dir, join(d, "bin")) } };
    cog.requests.length = 0;
    cog.answer = { output: "ok", openapi: openapiWith({ type: "string" }) };
  });
  const calls = (): string[] => readFileSync(work.log, "utf8").trim().split("\n");

  it("runs cog predict when cog is on PATH, passing the inputs through", async () => {
    const bin = join(work.dir, "bin-cog");
    const log = join(work.dir, "cog-args");
    fakeTool(bin, "cog", `printf '%s\\n' "$@" > "${log}"\necho '{"ok": true}'`);
    writeFileSync(join(work.dir, "in.png"), "PNG");
    const c = capture(work.dir, { ...process.env, PATH: isolatedPath(dir, bin) });
    expect(await cognix(["predict", "r8.im/acme/model", "-i", "prompt=hi", "-i", "image=@in.png", "--gpus", "all", "-e", "A=b"], c.ctx)).toBe(0);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(["predict", "r8.im/acme/model", "--gpus", "all", "-i", "prompt=hi", "-i", "image=@in.png", "-e", "A=b"]);
    expect(c.out()).toContain('{"ok": true}');
  });

  it("without cog, starts the image with docker, sends typed inputs and files, writes a file output as Cog names it, and stops it", async () => {
    writeFileSync(join(work.dir, "in.png"), "INPUT");
    cog.answer = { output: png("PNGDATA"), openapi: openapiWith({ type: "string", format: "uri" }) };
    const c = capture(work.dir, work.env);
    const args = ["acme/model:1", "-i", "image=@in.png", "-i", "top_k=3", "-i", "scale=0.5", "-i", "fast=true", "-i", "prompt=42", "-i", "tags=1", "-i", "tags=2", "--print-json"];
    expect(await cognix(["run", ...args], c.ctx)).toBe(0);
    expect(c.err()).toBe(`written output to ${join(work.dir, "output.png")}\n`);
    const log = calls();
    expect(log[0]).toMatch(/^image inspect --format .*run\.cog\.config.* acme\/model:1$/);
    expect(log[1]).toBe("run --detach --rm --publish 127.0.0.1::5000 --gpus all acme/model:1");
    expect(log[2]).toBe("port cafe0123 5000/tcp");
    expect(log.at(-1)).toBe("stop cafe0123");
    expect(cog.health[0]).toBe("STARTING");
    expect(cog.requests).toEqual([{ input: { image: png("INPUT"), top_k: 3, scale: 0.5, fast: true, prompt: "42", tags: [1, 2] } }]);
    expect(JSON.parse(c.out())).toEqual({ files: [join(work.dir, "output.png")], ok: true, output: join(work.dir, "output.png") });
    expect(readFileSync(join(work.dir, "output.png"), "utf8")).toBe("PNGDATA");
  });

  it("checks every @file before anything starts", async () => {
    const c = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "-i", "image=@missing.png", "-i", "mask=@."], c.ctx)).toBe(1);
    expect(c.err()).toBe("error: missing.png: input image: no such file\nerror: .: input mask: a directory, not a file\n");
    const empty = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "-i", "image=@"], empty.ctx)).toBe(1);
    expect(empty.err()).toBe('error: input image: "@" names no file: write image=@FILE\n');
    expect(() => readFileSync(work.log)).toThrow();
  });

  it("-o FILE: a list of files numbered from it, a string or JSON output into it", async () => {
    cog.answer = { output: [png("A"), png("B")], openapi: openapiWith({ type: "array", items: { type: "string", format: "uri" } }) };
    const c = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "-o", "out.png"], c.ctx)).toBe(0);
    expect([readFileSync(join(work.dir, "out.0.png"), "utf8"), readFileSync(join(work.dir, "out.1.png"), "utf8")]).toEqual(["A", "B"]);
    cog.answer = { output: "hello", openapi: openapiWith({ type: "string" }) };
    const s = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "-o", "said.txt"], s.ctx)).toBe(0);
    expect([readFileSync(join(work.dir, "said.txt"), "utf8"), s.out()]).toEqual(["hello", ""]);
    cog.answer = { output: { n: 3 }, openapi: openapiWith({ type: "object" }) };
    const j = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1"], j.ctx)).toBe(0);
    expect(j.out()).toBe('{\n  "n": 3\n}\n');
    const bad = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "-o", "no/such/dir/x.png"], bad.ctx)).toBe(1);
    expect(bad.err()).toBe("error: no/such/dir/x.png: -o: no/such/dir is not an existing directory\n");
  });

  it("-e NAME=VALUE sets the model's environment; anything else is a usage error", async () => {
    const c = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "-e", "HF_HOME=/cache", "-e", "EMPTY=", "--no-gpus"], c.ctx)).toBe(0);
    expect(calls()[0]).toBe("run --detach --rm --publish 127.0.0.1::5000 -e HF_HOME=/cache -e EMPTY= acme/model:1");
    const bad = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "-e", "NOVALUE"], bad.ctx)).toBe(2);
    expect(bad.err()).toMatch(/^error: -e "NOVALUE": expected NAME=VALUE/);
  });

  it("--json INPUTS reads the inputs as Cog does (a file, stdin or the JSON itself) and prints the whole prediction", async () => {
    writeFileSync(join(work.dir, "in.png"), "INPUT");
    writeFileSync(join(work.dir, "inputs.json"), JSON.stringify({ prompt: "a cat", top_k: 2, image: "@in.png" }));
    const c = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "--json", "@inputs.json"], c.ctx)).toBe(0);
    expect(cog.requests).toEqual([{ input: { prompt: "a cat", top_k: 2, image: png("INPUT") } }]);
    expect(JSON.parse(c.out())).toMatchObject({ status: "succeeded", output: "ok" });
    const piped = capture(work.dir, work.env);
    piped.ctx.stdin = (await import("node:stream")).Readable.from([Buffer.from('{"prompt": "piped"}')]);
    expect(await cognix(["run", "acme/model:1", "--json", "@-"], piped.ctx)).toBe(0);
    expect(cog.requests.at(-1)).toEqual({ input: { prompt: "piped" } });

    writeFileSync(join(work.dir, "broken.json"), '{\n  "prompt": "x",\n  oops\n}');
    const broken = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "--json", "@broken.json"], broken.ctx)).toBe(1);
    expect(broken.err()).toMatch(/^error: broken\.json:3:3: invalid JSON: /);
    const both = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "--json", "{}", "-i", "a=1"], both.ctx)).toBe(2);
    expect(both.err()).toMatch(/^error: use one of --json or -i\/--input/);
    const unknown = capture(work.dir, work.env);
    expect(await cognix(["run", "acme/model:1", "--json", '{"nope": 1}'], unknown.ctx)).toBe(1);
    expect(unknown.err()).toMatch(/^error: input nope: the model has no such input \(it takes image, top_k/);
  });

  it("--setup-timeout bounds the wait for setup()", async () => {
    const closed = join(work.dir, "bin-closed");
    fakeTool(closed, "docker", fakeDockerScript(work.log, 1));
    const c = capture(work.dir, { ...process.env, PATH: isolatedPath(dir, closed) });
    const started = Date.now();
    expect(await cognix(["run", "acme/model:1", "--setup-timeout", "1"], c.ctx)).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(c.err()).toBe("error: the model did not become ready within 1s (last status: no answer)\n");
    expect(calls().at(-1)).toBe("stop cafe0123");
  });

  it("from a subdirectory of a model runs the model's result, loading it into docker first", async () => {
    const model = join(work.dir, "model");
    mkdirSync(join(model, "src", "deep"), { recursive: true });
    writeFileSync(join(model, "cog.yaml"), 'build:\n  python_version: "3.12"\n');
    fakeTool(model, "result", `case "$1" in spec) cat "${join(fixtures, "spec-a.json")}" ;; load) echo archive ;; *) exit 64 ;; esac`);
    fakeTool(join(work.dir, "bin"), "docker", fakeDockerScript(work.log, cog.port, { known: false }));
    const c = capture(join(model, "src", "deep"), work.env);
    expect(await cognix(["run", "-i", "prompt=hi"], c.ctx)).toBe(0);
    const log = calls();
    expect(log[0]).toBe("image inspect demo:latest");
    expect(log[1]).toBe("load");
    expect(log).toContain("run --detach --rm --publish 127.0.0.1::5000 demo:latest");
    expect(c.out()).toBe("ok\n");
  });

  it("fails clearly when none of cog, docker or podman is there", async () => {
    const c = capture(work.dir, { ...process.env, PATH: isolatedPath(dir) });
    expect(await cognix(["run", "img", "-i", "x=1"], c.ctx)).toBe(1);
    expect(c.err()).toContain("none of cog, docker or podman found on PATH");
  });

  it("needs an image: named, or the model's result", async () => {
    const bin = join(work.dir, "bin-cog2");
    fakeTool(bin, "cog", "exit 0");
    const c = capture(work.dir, { ...process.env, PATH: isolatedPath(dir, bin) });
    expect(await cognix(["run", "-i", "x=1"], c.ctx)).toBe(1);
    expect(c.err()).toContain("no IMAGE given and no built image");
    const eq = capture(work.dir, { ...process.env, PATH: isolatedPath(dir, bin) });
    expect(await cognix(["run", "prompt=hi"], eq.ctx)).toBe(2);
    expect(eq.err()).toMatch(/^error: "prompt=hi" is not an image name: did you forget -i\?/);
  });

  it("usage errors exit 2 with the usage", async () => {
    for (const args of [["img", "-i", "novalue"], ["img", "--gpus", "--no-gpus"], ["img", "--gpus", "all", "--no-gpus"], ["img", "--setup-timeout", "soon"], ["img", "--timeout", "0"], ["img", "--bogus"], ["img", "--engine", "lxc"]]) {
      const c = capture(work.dir, work.env);
      expect(await cognix(["run", ...args], c.ctx), args.join(" ")).toBe(2);
      expect(c.err()).toContain("Usage: cognix run [IMAGE] [options]");
    }
  });
});
