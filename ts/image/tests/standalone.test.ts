import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, run, tempDir } from "./helpers.ts";

/**
 * The Nix side compiles ts/image with plain tsc and runs it with node, no
 * node_modules: compile it that way and run build-spec + oci from there.
 */
describe("standalone build", () => {
  const tmp = tempDir("standalone");
  afterAll(() => tmp.cleanup());

  it("compiles with tsc alone and runs with node and no packages", () => {
    const out = join(tmp.dir, "dist");
    const tsc = run(process.execPath, [
      join(REPO, "node_modules/typescript/bin/tsc"),
      "--ignoreConfig", "--outDir", out, "--rootDir", join(REPO, "ts"),
      "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--strict",
      "--types", "node", "--skipLibCheck", "--allowImportingTsExtensions", "--rewriteRelativeImportExtensions",
      "--verbatimModuleSyntax", join(REPO, "ts/image/main.ts"),
    ], { cwd: REPO });
    // Type errors elsewhere (ts/registry) are that code's tests' business; ours must be clean.
    const ours = (tsc.out + tsc.err).split("\n").filter((l) => /ts\/(image|util)\//.test(l));
    expect(ours).toEqual([]);
    writeFileSync(join(out, "package.json"), '{"type":"module"}\n');

    const pkg = join(tmp.dir, "store", "ccc-hello");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "hello"), "hello\n");
    writeFileSync(join(tmp.dir, "graph.json"), JSON.stringify([{ path: pkg, narSize: 100, references: [] }]));
    writeFileSync(join(tmp.dir, "config.json"), "{}");
    // cwd outside the repo so nothing resolves from its node_modules.
    const cli = (args: string[]): { code: number; out: string; err: string } =>
      run(process.execPath, [join(out, "image/main.js"), ...args], { cwd: tmp.dir });
    const built = cli(["build-spec", "--graph", "graph.json", "--config", "config.json", "--out", "spec.json", "--json"]);
    expect(built.err).toBe("");
    expect(built.code).toBe(0);
    const oci = cli(["oci", "--spec", "spec.json", "layout", "--json"]);
    expect(oci.code, oci.err).toBe(0);
    const index = JSON.parse(readFileSync(join(tmp.dir, "layout/index.json"), "utf8")) as { manifests: { digest: string }[] };
    const spec = JSON.parse(readFileSync(join(tmp.dir, "spec.json"), "utf8")) as { manifestDigest: string };
    expect(index.manifests[0]?.digest).toBe(spec.manifestDigest);
  });
});
