// The commands against a real flake built offline with the stub package set:
// build (happy path, unknown model, stale cognix.json, no flake), then size,
// diff, load (into a stand-in docker) and push (to a local registry and to
// one that is not there) on the image it built.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../generate/generate.ts";
import { startRegistry, type RunningRegistry } from "../../registry/tests/helpers/registry.ts";
import { currentSystem } from "../nix.ts";
import { capture, cognix, fakeTool, fixtures, have, isolatedPath, tempDir } from "./helpers.ts";
import { makeStubFlake, stubBuildMissing, type StubFlake } from "./stub-flake.ts";

const missing = stubBuildMissing();
if (currentSystem() !== "x86_64-linux") missing.push("an x86_64-linux machine (the stub package set)");
if (missing.length > 0) console.warn(`ts/commands: skipping the build/load/size/diff/push tests: missing ${missing.join(", ")}`);
const registryMissing = !have("/usr/bin/docker-registry", ["--version"]);
if (registryMissing) console.warn("ts/commands: skipping the push happy path: missing /usr/bin/docker-registry");

const offline = ["--", "--offline"];
/** nix itself, for tests that replace PATH with stand-in tools. */
const nixPath = spawnSync("sh", ["-c", "command -v nix"], { encoding: "utf8" }).stdout.trim();

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(missing.length > 0)("commands on a flake built with the stub packages", () => {
  let root = "";
  let flake: StubFlake;
  let result = "";

  beforeAll(async () => {
    root = tempDir("commands");
    flake = makeStubFlake(root);
    writeFileSync(join(flake.model, "cognix.json"), generate(flake.model).json);
    const c = capture(flake.model);
    const code = await cognix(["build", "--json", ...offline], c.ctx);
    if (code !== 0) throw new Error(`cognix build failed (${code}):\n${c.err()}`);
    result = join(flake.model, "result");
  }, 600_000);

  afterAll(() => {
    if (root !== "") rmSync(root, { recursive: true, force: true });
  });

  it("build makes ./result, the image as a command, and reports it as JSON", async () => {
    const target = readlinkSync(result);
    expect(target).toMatch(/^\/nix\/store\/[0-9a-z]{32}-cog-model$/);
    // Building again is a no-op with the same output.
    const c = capture(flake.model);
    expect(await cognix(["build", "--json", "-o", "result2", ...offline], c.ctx)).toBe(0);
    const report = JSON.parse(c.out()) as { ok: boolean; outPath: string; model: string; system: string };
    expect(report).toMatchObject({ ok: true, outPath: target, model: "default", system: "x86_64-linux" });
    expect(readlinkSync(join(flake.model, "result2"))).toBe(target);
  });

  it("build names the models there are when the name is unknown", async () => {
    const c = capture(flake.model);
    expect(await cognix(["build", "no-such-model", ...offline], c.ctx)).toBe(1);
    expect(c.err()).toContain('unknown model "no-such-model" (available: default)');
  });

  it("build refuses a stale cognix.json before building", async () => {
    const copy = join(root, "stale");
    spawnSync("cp", ["-r", flake.model, copy]);
    rmSync(join(copy, "result"), { force: true });
    rmSync(join(copy, "result2"), { force: true });
    appendFileSync(join(copy, "cog.yaml"), "environment:\n  - STALE=1\n");
    const c = capture(copy);
    expect(await cognix(["build", ...offline], c.ctx)).toBe(1);
    expect(c.err()).toMatch(/cognix\.json: stale: .*run `cognix generate`/);
    expect(existsSync(join(copy, "result"))).toBe(false);
  });

  it("build without a flake says to run cognix init", async () => {
    const empty = tempDir("noflake");
    try {
      const c = capture(empty);
      expect(await cognix(["build", ...offline], c.ctx)).toBe(1);
      expect(c.err()).toBe("error: .: no flake.nix here or above: run `cognix init` to create one\n");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("build from a subdirectory of the model builds it and links the result in the model's directory", async () => {
    const sub = join(flake.model, "deep", "er");
    mkdirSync(sub, { recursive: true });
    const c = capture(sub);
    expect(await cognix(["build", "--json", "--openapi-schema", "schema.json", ...offline], c.ctx)).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({ ok: true, outLink: join(flake.model, "result"), outPath: readlinkSync(result) });
    // --openapi-schema FILE is relative to where the user is: the document the image serves.
    const spec = JSON.parse(spawnSync(result, ["spec"], { encoding: "utf8" }).stdout) as { config: { Labels: Record<string, string> } };
    expect(JSON.parse(readFileSync(join(sub, "schema.json"), "utf8"))).toEqual(JSON.parse(spec.config.Labels["run.cog.openapi_schema"]!));
  });

  it("build -t NAME:TAG loads the image into docker under that name; without an engine it fails before building", async () => {
    const bin = join(root, "bin-docker-tag");
    const got = join(root, "tagged.tar");
    fakeTool(bin, "docker", `[ "$1" = load ] || exit 64\ncat > "${got}"\necho "Loaded image: acme/echo:v1"`);
    const sub = join(flake.model, "deep");
    const c = capture(sub, { ...process.env, PATH: isolatedPath(root, bin, dirname(nixPath)) });
    expect(await cognix(["build", "-t", "acme/echo:v1", "--json", ...offline], c.ctx)).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({ ok: true, images: ["acme/echo:v1"] });
    const manifest = JSON.parse(spawnSync("tar", ["-xOf", got, "manifest.json"], { encoding: "utf8" }).stdout) as { RepoTags: string[] }[];
    expect(manifest[0]?.RepoTags).toEqual(["acme/echo:v1"]);

    const none = capture(sub, { ...process.env, PATH: isolatedPath(root) });
    expect(await cognix(["build", "-t", "acme/echo", ...offline], none.ctx)).toBe(1);
    expect(none.err()).toMatch(/^error: neither docker nor podman found on PATH/);
    const bad = capture(sub);
    expect(await cognix(["build", "-t", "Acme/Echo", ...offline], bad.ctx)).toBe(2);
    expect(bad.err()).toMatch(/^error: --tag: invalid image reference "Acme\/Echo"/);
  });

  it("build in a git repository names the files git does not track, before nix sees the flake", async () => {
    const repoDir = join(root, "gitrepo");
    const model = join(repoDir, "model");
    mkdirSync(repoDir);
    spawnSync("cp", ["-r", flake.model, model]);
    rmSync(join(model, "result"), { force: true });
    rmSync(join(model, "result2"), { force: true });
    rmSync(join(model, "cognix.json"));
    const git = (...a: string[]): void => void spawnSync("git", ["-C", repoDir, ...a], { stdio: "ignore" });
    git("init", "-q");
    git("add", "model/cog.yaml", "model/predict.py", "model/flake.nix");
    const gen = capture(join(model, "deep"));
    expect(await cognix(["generate"], gen.ctx)).toBe(0);
    expect(gen.err().split("\n").filter((l) => !l.startsWith("warning: "))).toEqual(["wrote ../cognix.json (not tracked by git, so nix does not see it: git add ../cognix.json)", ""]);
    const c = capture(join(model, "deep"));
    expect(await cognix(["build", ...offline], c.ctx)).toBe(1);
    expect(c.err()).toBe("error: ../cognix.json: not tracked by git, so nix does not see them (a flake in a git repository sees only what git tracks): git add ../cognix.json ../flake.lock\n");
    expect(existsSync(join(model, "result"))).toBe(false);
  });

  it("push with no IMAGE and no image: in cog.yaml says how to name one", async () => {
    const c = capture(join(flake.model, "deep"));
    expect(await cognix(["push", "--", "--offline"], c.ctx)).toBe(1);
    expect(c.err()).toBe("error: no image to push to: set image: in cog.yaml (then run cognix generate) or name it, e.g. cognix push r8.im/you/model\n");
  });

  it("build --separate-weights names each file of 10 MiB or more left in the code layer", async () => {
    const copy = join(root, "big");
    spawnSync("cp", ["-r", flake.model, copy]);
    for (const f of ["result", "result2"]) rmSync(join(copy, f), { force: true });
    writeFileSync(join(copy, "weights.bin"), Buffer.alloc(10 * 1024 * 1024, 1));
    writeFileSync(join(copy, "small.bin"), Buffer.alloc(10 * 1024 * 1024 - 1, 2));
    writeFileSync(join(copy, "cognix.json"), generate(copy).json);
    const c = capture(join(copy, "deep"));
    expect(await cognix(["build", "--separate-weights", "--progress", "plain", ...offline], c.ctx)).toBe(1);
    // Not a terminal, --progress plain: nix's build logs as they come.
    expect(c.err()).toMatch(/building '\/nix\/store\/[^']+\.drv'/);
    expect(c.err()).toContain("error: weights.bin: 10.0 MiB in the code layer (/src): --separate-weights keeps weights out of it; declare them under weights: in cog.yaml");
    expect(c.err()).not.toContain("small.bin");
  }, 600_000);

  it("init makes a flake that nix evaluates (the model listed, nothing built)", async () => {
    const dir = join(root, "init");
    spawnSync("cp", ["-r", join(fixtures, "model"), dir]);
    expect(await cognix(["init", "--cognix-url", `path:${flake.cognix}`], capture(dir).ctx)).toBe(0);
    const c = capture(dir);
    expect(await cognix(["build", "no-such-model", "--", "--offline", "--override-input", "nixpkgs", `path:${flake.stub}`], c.ctx)).toBe(1);
    expect(c.err()).toContain('unknown model "no-such-model" (available: default)');
  });

  it("size lists every layer and store path of the image, largest first", async () => {
    const spec = JSON.parse(spawnSync(result, ["spec"], { encoding: "utf8" }).stdout) as {
      layers: { id: string; size: number; paths?: string[] }[];
      closure: { path: string; narSize: number }[];
    };
    const c = capture(flake.model);
    expect(await cognix(["size", "--json"], c.ctx)).toBe(0);
    const r = JSON.parse(c.out()) as { totalBytes: number; layers: { id: string; bytes: number }[]; paths: { path: string; narSize: number; layer: string | null }[] };
    expect(r.totalBytes).toBe(spec.layers.reduce((s, l) => s + l.size, 0));
    expect(r.layers.map((l) => l.id).sort()).toEqual(spec.layers.map((l) => l.id).sort());
    expect(r.paths.map((p) => p.path).sort()).toEqual(spec.closure.map((n) => n.path).sort());
    for (let i = 1; i < r.layers.length; i++) expect(r.layers[i - 1]!.bytes).toBeGreaterThanOrEqual(r.layers[i]!.bytes);
    for (let i = 1; i < r.paths.length; i++) expect(r.paths[i - 1]!.narSize).toBeGreaterThanOrEqual(r.paths[i]!.narSize);
    for (const p of r.paths) expect(spec.layers.find((l) => l.id === p.layer)?.paths).toContain(p.path);
    // The table names the biggest store path first.
    const t = capture(flake.model);
    expect(await cognix(["size"], t.ctx)).toBe(0);
    const firstPathRow = t.out().split("\n").find((l) => l.startsWith("/nix/store/"));
    expect(firstPathRow?.split(/\s+/)[0]).toBe(r.paths[0]!.path);
  });

  it("diff of an image with itself shares everything; with a changed image it names the layers that differ", async () => {
    const same = capture(flake.model);
    expect(await cognix(["diff", "result", "result", "--json"], same.ctx)).toBe(0);
    const r = JSON.parse(same.out()) as { comparedBy: string; shared: { bytes: number; layers: unknown[] }; onlyA: { layers: unknown[] }; onlyB: { layers: unknown[] } };
    expect(r.comparedBy).toBe("diffId");
    expect(r.onlyA.layers).toEqual([]);
    expect(r.onlyB.layers).toEqual([]);

    const spec = JSON.parse(spawnSync(result, ["spec"], { encoding: "utf8" }).stdout) as { layers: { id: string; diffId: string; size: number }[] };
    const changed = structuredClone(spec);
    const victim = changed.layers[0]!;
    victim.diffId = `sha256:${sha256("something else")}`;
    const file = join(root, "changed-spec.json");
    writeFileSync(file, JSON.stringify(changed));
    const c = capture(flake.model);
    expect(await cognix(["diff", "result", file, "--json"], c.ctx)).toBe(0);
    const d = JSON.parse(c.out()) as { shared: { layers: { id: string }[]; bytes: number }; onlyA: { layers: { id: string }[] }; onlyB: { layers: { id: string }[]; bytes: number } };
    expect(d.onlyA.layers.map((l) => l.id)).toEqual([victim.id]);
    expect(d.onlyB.layers.map((l) => l.id)).toEqual([victim.id]);
    expect(d.onlyB.bytes).toBe(victim.size);
    expect(d.shared.layers).toHaveLength(spec.layers.length - 1);
    expect(d.shared.bytes).toBe(r.shared.bytes - victim.size);
  });

  it("load pipes ./result load into docker", async () => {
    const bin = join(root, "bin-docker");
    const got = join(root, "docker-got.tar");
    fakeTool(bin, "docker", `[ "$1" = load ] || exit 64\ncat > "${got}"\necho "Loaded image: cog-model:latest"`);
    const c = capture(flake.model, { ...process.env, PATH: isolatedPath(root, bin) });
    expect(await cognix(["load", "--json"], c.ctx)).toBe(0);
    expect(JSON.parse(c.out())).toEqual({ engine: "docker", images: ["cog-model:latest"], ok: true });
    // docker received exactly the archive ./result writes.
    const direct = join(root, "direct.tar");
    expect(spawnSync(result, ["load", "-o", direct]).status).toBe(0);
    expect(sha256(readFileSync(got))).toBe(sha256(readFileSync(direct)));
  });

  it("load uses podman when docker is absent, and fails clearly when neither is there", async () => {
    const bin = join(root, "bin-podman");
    fakeTool(bin, "podman", `[ "$1" = load ] || exit 64\ncat > /dev/null\necho "Loaded image: localhost/cog-model:latest"`);
    const withPodman = capture(flake.model, { ...process.env, PATH: isolatedPath(root, bin) });
    expect(await cognix(["load"], withPodman.ctx)).toBe(0);
    expect(withPodman.out()).toContain("Loaded image: localhost/cog-model:latest");

    const none = capture(flake.model, { ...process.env, PATH: isolatedPath(root) });
    expect(await cognix(["load"], none.ctx)).toBe(1);
    expect(none.err()).toContain("neither docker nor podman found on PATH");
  });

  it("load reports an engine that rejects the archive", async () => {
    const bin = join(root, "bin-bad");
    fakeTool(bin, "docker", "cat > /dev/null\necho 'invalid tar header' >&2\nexit 1");
    const c = capture(flake.model, { ...process.env, PATH: isolatedPath(root, bin) });
    expect(await cognix(["load"], c.ctx)).toBe(1);
    expect(c.err()).toContain("docker load failed (exit 1): invalid tar header");
  });

  it("push to a registry that is not there fails with exit 1", async () => {
    const port = await closedPort();
    const c = capture(flake.model);
    const code = await cognix(["push", `127.0.0.1:${port}/cog-model:test`, "--", "--offline"], c.ctx);
    expect(code).toBe(1);
    expect(c.err()).toContain(`127.0.0.1:${port}`);
  }, 120_000);

  describe.skipIf(registryMissing)("with a local registry", () => {
    let registry: RunningRegistry | undefined;
    beforeAll(async () => {
      registry = await startRegistry();
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it("push with no IMAGE takes cog.yaml's image:, builds a stale result first and speaks plain HTTP to 127.0.0.1 unasked", async () => {
      const copy = join(root, "pushed");
      spawnSync("cp", ["-r", flake.model, copy]);
      for (const f of ["result", "result2"]) rmSync(join(copy, f), { force: true });
      writeFileSync(join(copy, "cog.yaml"), `build:\n  python_version: "3.12"\npredict: "predict.py:Predictor"\nimage: 127.0.0.1:${registry!.port}/acme/pushed\n`);
      const sub = join(copy, "deep");
      expect(await cognix(["generate"], capture(sub).ctx)).toBe(0);
      const c = capture(sub);
      expect(await cognix(["push", "--", "--offline"], c.ctx)).toBe(0);
      expect(readlinkSync(join(copy, "result"))).toMatch(/^\/nix\/store\/[0-9a-z]{32}-pushed$/);
      const res = await fetch(`http://127.0.0.1:${registry!.port}/v2/acme/pushed/manifests/latest`, { headers: { accept: "application/vnd.oci.image.manifest.v1+json" } });
      expect(res.status).toBe(200);
      // Fresh now: pushed as it is, the link left alone.
      const before = lstatSync(join(copy, "result")).mtimeMs;
      const again = capture(sub);
      expect(await cognix(["push", "--json", "--", "--offline"], again.ctx)).toBe(0);
      expect(JSON.parse(again.out())).toMatchObject({ ref: `127.0.0.1:${registry!.port}/acme/pushed:latest` });
      expect(lstatSync(join(copy, "result")).mtimeMs).toBe(before);
    }, 600_000);

    it("push uploads the image; the registry serves its manifest", async () => {
      const ref = `127.0.0.1:${registry!.port}/cog-model:test`;
      const c = capture(flake.model);
      expect(await cognix(["push", ref, "--", "--offline"], c.ctx)).toBe(0);
      const res = await fetch(`http://127.0.0.1:${registry!.port}/v2/cog-model/manifests/test`, {
        headers: { accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json" },
      });
      expect(res.status).toBe(200);
      const manifest = (await res.json()) as { layers: unknown[] };
      const spec = JSON.parse(spawnSync(result, ["spec"], { encoding: "utf8" }).stdout) as { layers: unknown[] };
      expect(manifest.layers).toHaveLength(spec.layers.length);
    }, 120_000);
  });
});
