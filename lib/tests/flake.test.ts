// The flake itself, offline: `nix flake show` lists every output without
// fetching nixpkgs, the template initialises a directory, and the option
// reference evaluates through the flake.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasNix, inputAvailable, nix } from "../../ts/testkit/nix-eval.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const ok = hasNix() && inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib");
if (!ok) console.warn("lib/tests: skipping flake tests: `nix` or the nixpkgs-lib input is missing");

interface Shown {
  type?: string;
  name?: string;
  [k: string]: unknown;
}

describe.skipIf(!ok)("flake outputs (offline)", () => {
  let tmp = "";
  let flake = "";

  beforeAll(() => {
    // A path: flake of the files the flake uses, so untracked files count
    // and node_modules is not copied into the store.
    tmp = mkdtempSync(join(tmpdir(), "cognix-flake-"));
    flake = join(tmp, "cognix");
    mkdirSync(flake);
    for (const f of ["flake.nix", "flake.lock", "lib", "modules", "examples", "schemas", "templates", "ts"]) {
      cpSync(join(repo, f), join(flake, f), { recursive: true, verbatimSymlinks: true });
    }
  });

  afterAll(() => {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  it("nix flake show lists every output", () => {
    const r = nix(["flake", "show", "--offline", "--json", `path:${flake}`]);
    expect(r.stderr).not.toContain("error");
    expect(r.status).toBe(0);
    const shown = JSON.parse(r.stdout) as Record<string, Record<string, Record<string, Shown>>>;
    expect(Object.keys(shown).sort()).toEqual(["apps", "formatter", "lib", "packages", "templates"]);
    const pkgs = shown["packages"]?.["x86_64-linux"] ?? {};
    // Only locked examples are exported (`nix flake check` builds them all):
    // gpu and torch-demo have no uv.lock, gte-* no weights.lock.json.
    expect(Object.keys(pkgs).sort()).toEqual(["cognix", "ebsynth-cpu", "minimal", "options-doc"]);
    for (const name of ["ebsynth-cpu", "minimal"]) expect(existsSync(join(repo, "examples", name, "uv.lock")), name).toBe(true);
    for (const name of ["gte-large", "gte-small"]) {
      expect(existsSync(join(repo, "examples", name, "uv.lock")), name).toBe(true);
      expect(existsSync(join(repo, "examples", name, "weights.lock.json")), name).toBe(false);
    }
    expect(pkgs["minimal"]?.name).toBe("cog-minimal");
    expect(Object.keys(shown["apps"]?.["x86_64-linux"] ?? {}).sort()).toEqual(["cognix", "ebsynth-cpu", "minimal"]);
    expect(shown["templates"]?.["default"]?.type).toBe("template");
    expect((shown["formatter"]?.["x86_64-linux"] as Shown | undefined)?.name).toBe("nixfmt");
  });

  it("exposes mkCogImage, cognixFlake and the option reference as lib", () => {
    const r = nix(["eval", "--offline", "--json", `path:${flake}#lib`, "--apply", "l: builtins.attrNames l"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(expect.arrayContaining(["cognixFlake", "dockerignore", "evalCog", "mkCogImage", "optionsMarkdown"]));
    const md = nix(["eval", "--offline", "--raw", `path:${flake}#lib.optionsMarkdown`]);
    expect(md.status).toBe(0);
    expect(md.stdout).toContain("## `image.labels`");
    expect(md.stdout).toContain("## `cog.revision`");
  });

  it("nix flake init -t creates a model directory", () => {
    const dir = join(tmp, "model");
    mkdirSync(dir);
    const r = nix(["flake", "init", "--offline", "-t", `path:${flake}#default`], dir);
    expect(r.stderr).not.toContain("error");
    expect(r.status).toBe(0);
    for (const f of ["flake.nix", "cog.yaml", "predict.py", "requirements.txt"]) expect(existsSync(join(dir, f))).toBe(true);
  });
});
