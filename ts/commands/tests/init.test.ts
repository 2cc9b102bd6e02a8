// init: flake.nix from the template plus cognix.json and pyproject.toml for an
// existing cog.yaml directory; refuses to overwrite; writes nothing on errors.
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generate } from "../../generate/generate.ts";
import { renderPyproject } from "../../pyproject/render.ts";
import { capture, cognix, fixtures, repo, tempDir } from "./helpers.ts";

describe("cognix init", () => {
  let dir = "";
  beforeEach(() => {
    dir = tempDir("init");
    cpSync(join(fixtures, "model"), dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes flake.nix from the template, cognix.json and pyproject.toml", async () => {
    const c = capture(dir);
    expect(await cognix(["init", "--cognix-url", "path:/opt/cognix", "--json"], c.ctx)).toBe(0);
    expect(JSON.parse(c.out())).toEqual({ files: ["cognix.json", "flake.nix", "pyproject.toml"], ok: true });
    const template = readFileSync(join(repo, "templates", "default", "flake.nix"), "utf8");
    const flake = readFileSync(join(dir, "flake.nix"), "utf8");
    expect(flake).toContain('cognix.url = "path:/opt/cognix";');
    expect(flake.replace('"path:/opt/cognix"', "X")).toBe(template.replace(/(cognix\.url\s*=\s*)"[^"]*"/, "$1X"));
    const generated = generate(dir);
    expect(readFileSync(join(dir, "cognix.json"), "utf8")).toBe(generated.json);
    expect(readFileSync(join(dir, "pyproject.toml"), "utf8")).toBe(renderPyproject(generated.config));
  });

  it("keeps the template's cognix URL when none is given, and names the next steps", async () => {
    const c = capture(dir);
    expect(await cognix(["init", dir], c.ctx)).toBe(0);
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toBe(readFileSync(join(repo, "templates", "default", "flake.nix"), "utf8"));
    expect(c.err()).toContain("cognix lock");
  });

  it("refuses to overwrite flake.nix without --force", async () => {
    writeFileSync(join(dir, "flake.nix"), "# mine\n");
    const c = capture(dir);
    expect(await cognix(["init"], c.ctx)).toBe(1);
    expect(c.err()).toContain("flake.nix: already exists: use --force");
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toBe("# mine\n");
    expect(existsSync(join(dir, "cognix.json"))).toBe(false);
    expect(await cognix(["init", "--force"], capture(dir).ctx)).toBe(0);
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).not.toBe("# mine\n");
  });

  it("needs a cog.yaml", async () => {
    rmSync(join(dir, "cog.yaml"));
    const c = capture(dir);
    expect(await cognix(["init"], c.ctx)).toBe(1);
    expect(c.err()).toContain("cog.yaml: not found");
    expect(existsSync(join(dir, "flake.nix"))).toBe(false);
  });

  it("a bad cog.yaml: the generator's error with file and line, nothing written", async () => {
    writeFileSync(join(dir, "cog.yaml"), 'build:\n  python_version: "3.12"\n  gpu: maybe\npredict: "predict.py:Predictor"\n');
    const before = readdirSync(dir).sort();
    const c = capture(dir);
    expect(await cognix(["init"], c.ctx)).toBe(1);
    expect(c.err()).toMatch(/cog\.yaml:3:\d+: build\.gpu/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
