// Every command that works on "the model" finds it from any directory below
// the one holding cog.yaml, as Cog does, and names files from where the user is.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { generate } from "../../generate/generate.ts";
import { renderPyproject } from "../../pyproject/render.ts";
import { sbomBytes, withSbomLabel } from "../../sbom/document.ts";
import { sampleSpec } from "../../sbom/tests/fixture.ts";
import { capture, cognix, fakeTool, fixtures, isolatedPath, tempDir } from "./helpers.ts";

const root = tempDir("subdir");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("commands from a subdirectory of the model", () => {
  let model = "";
  let sub = "";
  let n = 0;
  beforeEach(() => {
    model = join(root, `model${n++}`);
    cpSync(join(fixtures, "model"), model, { recursive: true });
    sub = join(model, "src", "deep");
    mkdirSync(sub, { recursive: true });
  });

  it("init writes the model's flake.nix, cognix.json and pyproject.toml, named from here", async () => {
    const c = capture(sub);
    expect(await cognix(["init", "--json"], c.ctx)).toBe(0);
    expect(JSON.parse(c.out())).toEqual({ files: ["../../cognix.json", "../../flake.nix", "../../pyproject.toml"], ok: true });
    expect(readFileSync(join(model, "cognix.json"), "utf8")).toBe(generate(model).json);
    expect(existsSync(join(sub, "flake.nix"))).toBe(false);
  });

  it("pyproject writes the model's pyproject.toml and --check reads it", async () => {
    writeFileSync(join(model, "cognix.json"), generate(model).json);
    const c = capture(sub);
    expect(await cognix(["pyproject"], c.ctx)).toBe(0);
    expect(c.err()).toBe("wrote ../../pyproject.toml\n");
    expect(readFileSync(join(model, "pyproject.toml"), "utf8")).toBe(renderPyproject(generate(model).config));
    expect(await cognix(["pyproject", "--check"], capture(sub).ctx)).toBe(0);
    writeFileSync(join(model, "pyproject.toml"), "# edited\n");
    const stale = capture(sub);
    expect(await cognix(["pyproject", "--check"], stale.ctx)).toBe(1);
    expect(stale.err()).toBe("error: ../../pyproject.toml: missing or out of date: run `cognix pyproject`\n");
  });

  it("size, sbom and diff read the model's result; load loads it", async () => {
    const spec = withSbomLabel(sampleSpec());
    const specFile = join(model, "spec.json");
    writeFileSync(specFile, JSON.stringify(spec));
    const cdx = join(model, "sbom.cdx.json");
    writeFileSync(cdx, sbomBytes(spec, "cyclonedx"));
    fakeTool(model, "result", `case "$1" in spec) cat "${specFile}" ;; sbom) cat "${cdx}" ;; load) echo archive ;; *) exit 64 ;; esac`);
    const size = capture(sub);
    expect(await cognix(["size", "--json"], size.ctx)).toBe(0);
    expect(JSON.parse(size.out())).toMatchObject({ image: `${spec.name}:${spec.tag}` });
    const sbom = capture(sub);
    expect(await cognix(["sbom"], sbom.ctx)).toBe(0);
    expect(sbom.out()).toBe(readFileSync(cdx, "utf8"));
    const diff = capture(sub);
    expect(await cognix(["diff", "../../result", "../../spec.json", "--json"], diff.ctx)).toBe(0);
    expect(JSON.parse(diff.out())).toMatchObject({ onlyA: { layers: [] }, onlyB: { layers: [] } });
    const bin = join(model, "bin");
    fakeTool(bin, "docker", `[ "$1" = load ] || exit 64\ncat > /dev/null\necho "Loaded image: demo:latest"`);
    const load = capture(sub, { ...process.env, PATH: isolatedPath(root, bin) });
    expect(await cognix(["load", "--json"], load.ctx)).toBe(0);
    expect(JSON.parse(load.out())).toEqual({ engine: "docker", images: ["demo:latest"], ok: true });
  });

  it("without a built image, names the model's result and what to run", async () => {
    const c = capture(sub);
    expect(await cognix(["size"], c.ctx)).toBe(1);
    expect(c.err()).toBe("error: ../../result: not found: give a built image (`cognix build` makes ./result) or an image spec file (.json)\n");
  });
});
