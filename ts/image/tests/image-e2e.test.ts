import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { missing, nixBuild, run, runCli, skipNote, tempDir } from "./helpers.ts";
import { REGISTRY_BIN, startRegistry } from "../../registry/tests/helpers/registry.ts";

/**
 * End to end on real store paths: Nix builds a static shell, an app that
 * refers to it and a model source tree; the closure graph comes from
 * exportReferencesGraph. Then build-spec → oci / load, checked with skopeo,
 * umoci and chroot.
 */
const FIXTURE = join(import.meta.dirname, "fixtures/closure.nix");

interface GraphNode {
  path: string;
}

const nixMissing = missing(["nix"]);

describe.skipIf(skipNote("image end-to-end (Nix store paths)", nixMissing))("image end to end", () => {
  const tmp = tempDir("e2e");
  let graphFile = "";
  let app = "";
  let busybox = "";
  let src = "";
  const configFile = join(tmp.dir, "config.json");
  const rootFile = join(tmp.dir, "root.json");

  beforeAll(() => {
    graphFile = nixBuild(FIXTURE);
    const graph = (JSON.parse(readFileSync(graphFile, "utf8")) as { closure: GraphNode[] }).closure;
    const find = (suffix: string): string => graph.find((n) => n.path.endsWith(suffix))!.path;
    app = find("-cognix-test-app-1.0");
    busybox = find("-cognix-test-busybox");
    src = find("-cognix-test-src");
    writeFileSync(configFile, JSON.stringify({
      Entrypoint: ["/bin/sh", "-c"],
      Cmd: ["echo hi"],
      Env: ["PATH=/bin", "PYTHONUNBUFFERED=1"],
      WorkingDir: "/src",
      ExposedPorts: { "5000/tcp": {} },
      Labels: { "run.cog.version": "test" },
    }));
    writeFileSync(rootFile, JSON.stringify({
      entries: [
        { path: "/bin/sh", type: "symlink", target: `${busybox}/bin/busybox` },
        { path: "/tmp", type: "dir", mode: "1777" },
        { path: "/etc/passwd", type: "file", content: "root:x:0:0::/root:/bin/sh\n" },
        { path: "/src", type: "copy", source: src, layer: "own" },
      ],
      ownLayer: [src],
    }));
  });
  afterAll(() => tmp.cleanup());

  function buildSpec(out: string, env: NodeJS.ProcessEnv = {}, umask = "022"): void {
    const r = runCli(["build-spec", "--graph", graphFile, "--config", configFile, "--root", rootFile, "--out", out, "--json"], env, umask);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }

  it("build-spec records one digest per layer and the manifest digest", () => {
    const out = join(tmp.dir, "spec.json");
    buildSpec(out);
    const spec = JSON.parse(readFileSync(out, "utf8")) as {
      layers: { id: string; diffId: string; paths?: string[]; hardlinks?: Record<string, string> }[];
      manifestDigest: string;
    };
    expect(spec.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const l of spec.layers) expect(l.diffId, l.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The pinned source is a layer of its own; its copy under /src another; the rest on top.
    expect(spec.layers.find((l) => l.id.startsWith("own:"))?.paths).toEqual([src]);
    expect(spec.layers.map((l) => l.id).slice(-2)).toEqual(["copy:/src", "root"]);
    // The builder hard-linked share/b to share/a: one file, one tar hard link, recorded.
    const appLayer = spec.layers.find((l) => l.paths?.includes(app));
    expect(appLayer?.hardlinks).toEqual({ [`${app.slice(1)}/share/b`]: `${app.slice(1)}/share/a` });
    const storePaths = spec.layers.flatMap((l) => l.paths ?? []).sort();
    expect(storePaths).toEqual([app, busybox, src].sort());
  });

  const ociMissing = missing(["skopeo", "umoci", "chroot"], true);
  it.skipIf(skipNote("OCI layout checks", ociMissing))("oci layout: skopeo inspects it, umoci unpacks it, chroot runs it", () => {
    const spec = join(tmp.dir, "spec.json");
    if (!statSync(spec, { throwIfNoEntry: false })) buildSpec(spec);
    const layout = join(tmp.dir, "layout");
    const archive = join(tmp.dir, "image.oci.tar");
    const r = runCli(["oci", "--spec", spec, layout, "--archive", archive, "--tag", "v1", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout.toString()) as { manifestDigest: string };
    const specDoc = JSON.parse(readFileSync(spec, "utf8")) as { manifestDigest: string; layers: { diffId: string }[] };
    expect(result.manifestDigest).toBe(specDoc.manifestDigest);

    for (const ref of [`oci:${layout}:v1`, `oci-archive:${archive}:v1`]) {
      const inspect = run("skopeo", ["inspect", ref]);
      expect(inspect.err, ref).toBe("");
      const info = JSON.parse(inspect.out) as { Digest: string; Layers: string[]; Env: string[]; Created: string };
      expect(info.Digest).toBe(specDoc.manifestDigest);
      expect(info.Layers).toEqual(specDoc.layers.map((l) => l.diffId));
      expect(info.Env).toEqual(["PATH=/bin", "PYTHONUNBUFFERED=1"]);
      expect(info.Created).toBe("1970-01-01T00:00:01Z");
    }
    const config = JSON.parse(run("skopeo", ["inspect", "--config", `oci:${layout}:v1`]).out) as {
      config: { WorkingDir: string; ExposedPorts: Record<string, unknown>; Entrypoint: string[] };
    };
    expect(config.config.WorkingDir).toBe("/src");
    expect(Object.keys(config.config.ExposedPorts)).toEqual(["5000/tcp"]);

    const bundle = join(tmp.dir, "bundle");
    const unpack = run("umoci", ["unpack", "--image", `${layout}:v1`, bundle]);
    expect(unpack.code, unpack.err).toBe(0);
    const rootfs = join(bundle, "rootfs");
    const hi = run("chroot", [rootfs, "/bin/sh", "-c", `echo hi; ${busybox}/bin/busybox cat /src/predict.py`]);
    expect(hi.err).toBe("");
    expect(hi.out).toBe("hi\nprint(1)\n");
    const appRun = run("chroot", [rootfs, `${app}/bin/app`]);
    expect(appRun.out).toBe("app-ok\n");
    expect(statSync(join(rootfs, "tmp")).mode & 0o7777).toBe(0o1777);
    expect(statSync(join(rootfs, app.slice(1), "bin/app")).mode & 0o777).toBe(0o555);
    expect(readFileSync(join(rootfs, app.slice(1), "share/ünïcødé/文件.txt"), "utf8")).toBe("data\n");
    expect(readFileSync(join(rootfs, app.slice(1), "share/b"), "utf8")).toBe("linked\n");
    expect(statSync(join(rootfs, app.slice(1), "share/b")).ino).toBe(statSync(join(rootfs, app.slice(1), "share/a")).ino);
  });

  it.skipIf(skipNote("docker-archive checks", missing(["skopeo"])))("load: a docker-archive skopeo accepts, same bytes on stdout and -o", () => {
    const spec = join(tmp.dir, "spec.json");
    if (!statSync(spec, { throwIfNoEntry: false })) buildSpec(spec);
    const file = join(tmp.dir, "image.docker.tar");
    const r = runCli(["load", "--spec", spec, "-o", file, "--tag", "cognix-test:v1"]);
    expect(r.code, r.stderr).toBe(0);
    const piped = runCli(["load", "--spec", spec, "--tag", "cognix-test:v1"]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout.equals(readFileSync(file))).toBe(true);
    const inspect = run("skopeo", ["inspect", `docker-archive:${file}`]);
    expect(inspect.err).toBe("");
    const info = JSON.parse(inspect.out) as { Layers: string[] };
    const specDoc = JSON.parse(readFileSync(spec, "utf8")) as { layers: { diffId: string }[] };
    expect(info.Layers).toEqual(specDoc.layers.map((l) => l.diffId));
    const copy = run("skopeo", ["copy", `docker-archive:${file}`, `oci:${join(tmp.dir, "copied")}:x`]);
    expect(copy.code, copy.err).toBe(0);
  });

  it("same input, same bytes under different TZ, umask and locale", () => {
    const outputs = [
      { env: { TZ: "UTC", LC_ALL: "C", LANG: "C" }, umask: "022" },
      { env: { TZ: "Pacific/Kiritimati", LC_ALL: "de_DE.UTF-8", LANG: "ja_JP.UTF-8" }, umask: "077" },
    ].map(({ env, umask }, i) => {
      const dir = join(tmp.dir, `det${i}`);
      run("mkdir", ["-p", dir]);
      const spec = join(dir, "spec.json");
      buildSpec(spec, env, umask);
      const oci = runCli(["oci", "--spec", spec, "--archive", join(dir, "oci.tar")], env, umask);
      expect(oci.code, oci.stderr).toBe(0);
      const load = runCli(["load", "--spec", spec, "-o", join(dir, "docker.tar")], env, umask);
      expect(load.code, load.stderr).toBe(0);
      return {
        spec: readFileSync(spec),
        oci: readFileSync(join(dir, "oci.tar")),
        docker: readFileSync(join(dir, "docker.tar")),
        manifest: (JSON.parse(readFileSync(spec, "utf8")) as { manifestDigest: string }).manifestDigest,
      };
    });
    const [a, b] = outputs as [(typeof outputs)[0], (typeof outputs)[0]];
    expect(a.manifest).toBe(b.manifest);
    expect(a.spec.equals(b.spec)).toBe(true);
    expect(a.oci.equals(b.oci)).toBe(true);
    expect(a.docker.equals(b.docker)).toBe(true);
  });

  const registryMissing = missing(["skopeo", REGISTRY_BIN]);
  it.skipIf(skipNote("push to a local registry", registryMissing))("push: the registry holds the image with the spec's diff ids; a second push uploads nothing", async () => {
    const spec = join(tmp.dir, "spec.json");
    if (!statSync(spec, { throwIfNoEntry: false })) buildSpec(spec);
    const registry = await startRegistry();
    try {
      const ref = `${registry.host}/cognix/e2e:v1`;
      const first = runCli(["push", "--spec", spec, ref, "--insecure", "--json", "--cache-dir", join(tmp.dir, "push-cache")]);
      expect(first.code, first.stderr).toBe(0);
      const pushed = JSON.parse(first.stdout.toString()) as { digest: string; uploaded: string[]; skipped: string[] };
      const specDoc = JSON.parse(readFileSync(spec, "utf8")) as { layers: { diffId: string }[] };
      const config = JSON.parse(run("skopeo", ["inspect", "--tls-verify=false", "--config", `docker://${ref}`]).out) as {
        rootfs: { diff_ids: string[] };
      };
      expect(config.rootfs.diff_ids).toEqual(specDoc.layers.map((l) => l.diffId));
      const again = runCli(["push", "--spec", spec, ref, "--insecure", "--json", "--cache-dir", join(tmp.dir, "push-cache")]);
      expect(again.code, again.stderr).toBe(0);
      const second = JSON.parse(again.stdout.toString()) as { digest: string; uploaded: string[] };
      expect(second.digest).toBe(pushed.digest);
      expect(second.uploaded).toEqual([]);
    } finally {
      await registry.stop();
    }
  });
});
