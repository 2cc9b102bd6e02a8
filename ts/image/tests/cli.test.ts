import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runMain, tempDir } from "./helpers.ts";

/** CLI behaviour on a closure made of plain directories (no Nix needed). */
describe("cognix image CLI", () => {
  const tmp = tempDir("cli");
  const lib = join(tmp.dir, "store", "aaa-lib-1.0");
  const app = join(tmp.dir, "store", "bbb-app-2.0");
  const graphFile = join(tmp.dir, "graph.json");
  const configFile = join(tmp.dir, "config.json");

  beforeAll(() => {
    mkdirSync(join(lib, "lib"), { recursive: true });
    mkdirSync(join(app, "bin"), { recursive: true });
    writeFileSync(join(lib, "lib", "libx.so"), "x".repeat(5000));
    writeFileSync(join(app, "bin", "app"), `#!/bin/sh\n${lib}\n`);
    writeFileSync(graphFile, JSON.stringify({
      closure: [
        { path: app, narSize: 600, narHash: "sha256:x", references: [lib, app], closureSize: 1 },
        { path: lib, narSize: 5200, references: [] },
      ],
    }));
    writeFileSync(configFile, JSON.stringify({ Cmd: ["/bin/app"], Env: { B: "2", A: "1" }, ExposedPorts: ["5000"] }));
  });
  afterAll(() => tmp.cleanup());

  it("plan --json prints a spec without digests; build-spec adds them; inspect --json summarises", async () => {
    const plan = await runMain(["plan", "--graph", graphFile, "--config", configFile, "--json"]);
    expect(plan.code, plan.stderr).toBe(0);
    const planned = JSON.parse(plan.stdout.toString()) as { layers: { diffId?: string; paths: string[] }[]; config: { Env: string[]; ExposedPorts: object } };
    expect(planned.layers.flatMap((l) => l.paths).sort()).toEqual([lib, app].sort());
    expect(planned.layers.every((l) => l.diffId === undefined)).toBe(true);
    expect(planned.config.Env).toEqual(["A=1", "B=2"]);
    expect(planned.config.ExposedPorts).toEqual({ "5000/tcp": {} });

    const spec = join(tmp.dir, "spec.json");
    const built = await runMain(["build-spec", "--graph", graphFile, "--config", configFile, "--out", spec, "--json", "--max-layers", "10"]);
    expect(built.code, built.stderr).toBe(0);
    const result = JSON.parse(built.stdout.toString()) as { manifestDigest: string; layers: { diffId: string; size: number }[] };
    expect(result.layers.every((l) => /^sha256:/.test(l.diffId) && l.size % 512 === 0)).toBe(true);
    const inspect = await runMain(["inspect", "--spec", spec, "--json"]);
    const summary = JSON.parse(inspect.stdout.toString()) as { manifestDigest: string; closurePaths: number };
    expect(summary).toMatchObject({ manifestDigest: result.manifestDigest, closurePaths: 2 });
    const human = await runMain(["inspect", "--spec", spec]);
    expect(human.stdout.toString()).toContain(result.manifestDigest);
  });

  it("digest fills in a planned spec to the same result as build-spec", async () => {
    const planned = join(tmp.dir, "planned.json");
    const p = await runMain(["plan", "--graph", graphFile, "--config", configFile, "--out", planned]);
    expect(p.code, p.stderr).toBe(0);
    const a = join(tmp.dir, "a.json");
    const b = join(tmp.dir, "b.json");
    expect((await runMain(["digest", "--spec", planned, "--out", a])).code).toBe(0);
    expect((await runMain(["build-spec", "--graph", graphFile, "--config", configFile, "--out", b])).code).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it("reports bad input with file, line and key, exits non-zero and writes nothing", async () => {
    const bad = join(tmp.dir, "bad.json");
    writeFileSync(bad, '{\n  "closure": [\n    { "path": "relative", }\n  ]\n}\n');
    const out = join(tmp.dir, "never.json");
    const syntax = await runMain(["build-spec", "--graph", bad, "--config", configFile, "--out", out]);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(new RegExp(`${bad}:3:\\d+: invalid JSON`));

    writeFileSync(bad, JSON.stringify({ closure: [{ path: "relative", narSize: 1, references: [] }] }));
    const key = await runMain(["build-spec", "--graph", bad, "--config", configFile, "--out", out]);
    expect(key.code).toBe(1);
    expect(key.stderr).toContain(`${bad}: closure[0].path: expected an absolute path`);

    writeFileSync(bad, JSON.stringify([{ path: app, narSize: 1, references: ["/nix/store/zzz-gone"] }]));
    const ref = await runMain(["build-spec", "--graph", bad, "--config", configFile, "--out", out]);
    expect(ref.stderr).toContain("[0].references[0]: reference /nix/store/zzz-gone is not in the closure");

    const cfg = join(tmp.dir, "badcfg.json");
    writeFileSync(cfg, JSON.stringify({ Cmd: "python", Volumes: {} }));
    const c = await runMain(["build-spec", "--graph", graphFile, "--config", cfg, "--out", out]);
    expect(c.stderr).toContain("Volumes: unknown image config field");

    const root = join(tmp.dir, "badroot.json");
    writeFileSync(root, JSON.stringify([{ path: "/tmp", type: "dir", mode: "rwx" }]));
    const r = await runMain(["build-spec", "--graph", graphFile, "--config", configFile, "--root", root, "--out", out]);
    expect(r.stderr).toContain('[0].mode: expected an octal mode such as "0644" or "1777", got "rwx"');

    const opt = await runMain(["build-spec", "--bogus"]);
    expect([opt.code, opt.stderr]).toEqual([2, expect.stringContaining("unknown option --bogus")]);
    const limit = await runMain(["build-spec", "--graph", graphFile, "--config", configFile, "--out", out, "--max-layers", "200"]);
    expect(limit.stderr).toContain("above Docker's limit of 125");
    expect((await runMain(["frobnicate"])).code).toBe(2);

    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("usage errors exit 2, --help exits 0, and --json errors are JSON on stdout", async () => {
    const spec = join(tmp.dir, "usage-spec.json");
    expect((await runMain(["build-spec", "--graph", graphFile, "--config", configFile, "--out", spec])).code).toBe(0);
    expect((await runMain(["inspect"])).code).toBe(2);
    expect((await runMain(["inspect", "--spec"])).code).toBe(2);
    for (const flag of ["--help", "-h"]) {
      const help = await runMain(["inspect", flag]);
      expect([help.code, help.stderr]).toEqual([0, ""]);
      expect(help.stdout.toString()).toMatch(/^Usage: cognix image inspect \[options\]\n[\s\S]*\n {6}--spec SPEC\.json +the image spec\n/);
    }
    const missing = await runMain(["inspect", "--spec", join(tmp.dir, "none.json"), "--json"]);
    expect(missing.code).toBe(1);
    const doc = JSON.parse(missing.stdout.toString()) as { ok: boolean; errors: string[] };
    expect(doc.ok).toBe(false);
    expect(doc.errors[0]).toContain("none.json");
    const usage = await runMain(["inspect", "--json"]);
    expect([usage.code, (JSON.parse(usage.stdout.toString()) as { errors: string[] }).errors]).toEqual([2, ["--spec is required"]]);
  });

  it("load -o into a directory that does not exist says so, without a temporary file name", async () => {
    const spec = join(tmp.dir, "nodir-spec.json");
    expect((await runMain(["build-spec", "--graph", graphFile, "--config", configFile, "--out", spec])).code).toBe(0);
    const target = join(tmp.dir, "no-such-dir", "image.tar");
    const r = await runMain(["load", "--spec", spec, "-o", target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${target}: cannot write it: ${join(tmp.dir, "no-such-dir")} is not an existing directory`);
    expect(r.stderr).not.toContain(".tmp");
  });

  it("load fails without a complete archive when the closure changed after build-spec", async () => {
    const spec = join(tmp.dir, "changed-spec.json");
    expect((await runMain(["build-spec", "--graph", graphFile, "--config", configFile, "--out", spec])).code).toBe(0);
    const original = readFileSync(join(lib, "lib", "libx.so"));
    writeFileSync(join(lib, "lib", "libx.so"), "y".repeat(5000));
    try {
      const out = join(tmp.dir, "changed.tar");
      const r = await runMain(["load", "--spec", spec, "-o", out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/content changed since the spec was written .*Rebuild the spec/);
      expect(existsSync(out)).toBe(false);
      const layout = join(tmp.dir, "changed-layout");
      const o = await runMain(["oci", "--spec", spec, layout]);
      expect(o.code).toBe(1);
      expect(existsSync(join(layout, "index.json"))).toBe(false);
    } finally {
      writeFileSync(join(lib, "lib", "libx.so"), original);
    }
  });

  it("oci into an existing layout keeps other tags and replaces the same tag", async () => {
    const spec = join(tmp.dir, "tags-spec.json");
    expect((await runMain(["build-spec", "--graph", graphFile, "--config", configFile, "--out", spec])).code).toBe(0);
    const layout = join(tmp.dir, "tags-layout");
    for (const tag of ["v2", "v1", "v2"]) expect((await runMain(["oci", "--spec", spec, layout, "--tag", tag])).code).toBe(0);
    const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: { annotations: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations["org.opencontainers.image.ref.name"])).toEqual(["v1", "v2"]);
    writeFileSync(join(layout, "index.json"), "[]");
    const bad = await runMain(["oci", "--spec", spec, layout]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining("index.json: manifests: not an OCI image index")]);
  });
});
