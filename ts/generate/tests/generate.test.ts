import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { generate } from "../generate.ts";
import { copyFixture } from "./helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function scratch(rel: string): string {
  const f = copyFixture(rel);
  cleanups.push(f.cleanup);
  return f.dir;
}
function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof CognixError) return err.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    throw err;
  }
  return [];
}

describe("generate (library)", () => {
  it("records the sha256 of cog.yaml and of the requirements file", () => {
    const dir = scratch("valid/all-keys");
    const { config } = generate(dir);
    const sha = (f: string): string => createHash("sha256").update(readFileSync(join(dir, f))).digest("hex");
    expect(config.source.cogYamlSha256).toBe(sha("cog.yaml"));
    expect(config.source.requirementsSha256).toBe(sha("requirements.txt"));
    expect(config.source.requirementsIncludes).toEqual([{ path: "reqs/extra.txt", sha256: sha("reqs/extra.txt") }]);
  });

  it("gives the same bytes for the same input and different bytes when cog.yaml changes", () => {
    const dir = scratch("valid/all-keys");
    const first = generate(dir).json;
    expect(generate(dir).json).toBe(first);
    writeFileSync(join(dir, "cog.yaml"), `${readFileSync(join(dir, "cog.yaml"), "utf8")}\n# edited\n`);
    expect(generate(dir).json).not.toBe(first);
  });

  it("reads the first-release shape: model as predictor, environment as build, RUN --mount options", () => {
    const { config, warnings } = generate(scratch("valid/first-releases"));
    expect(config.predict).toBe("model.py:HotdogDetector");
    expect(config.image).toBeNull();
    expect(config.python.requirements).toEqual(["pillow==10.4.0"]);
    expect(config.source.requirementsFile).toBe("requirements.txt");
    expect(config.run).toEqual([
      { command: "pip install --upgrade pip", mounts: [] },
      { command: "HF_TOKEN_FILE=/run/secrets/hf echo ok", mounts: [{ type: "secret", id: "hf_token", target: "/run/secrets/hf" }] },
    ]);
    expect(warnings.some((w) => /^cog\.yaml:4:1: environment: renamed to build/.test(w))).toBe(true);
    expect(warnings.some((w) => /^cog\.yaml:3:1: model: /.test(w))).toBe(true);
    expect(warnings.some((w) => /^cog\.yaml:10:7: environment\.run\[0\]: --mount=type=cache/.test(w))).toBe(true);
  });

  it("refuses a build section given twice (build and a mapping under environment)", () => {
    const dir = scratch("valid/first-releases");
    writeFileSync(join(dir, "cog.yaml"), `build:\n  python_version: "3.12"\n${readFileSync(join(dir, "cog.yaml"), "utf8")}`);
    expect(messages(() => generate(dir))).toEqual(["6:1 a mapping here is the old name of the build section, and build is also set: merge them into build"]);
  });

  it("refuses RUN mounts other than secret and cache", () => {
    const dir = scratch("valid/first-releases");
    const text = readFileSync(join(dir, "cog.yaml"), "utf8").replace("--mount=type=cache,target=/root/.cache/pip", "--mount=type=bind,source=.,target=/x");
    writeFileSync(join(dir, "cog.yaml"), text);
    expect(messages(() => generate(dir))).toEqual(["10:7 --mount=type=bind,source=.,target=/x is not supported: only type=secret (with an id) and type=cache mounts are"]);
  });

  it("takes an unquoted python_version from its YAML text when YAML reads it unchanged", () => {
    const dir = scratch("valid/legacy-keys");
    expect(generate(dir).config.python.version).toBe("3.11");
    writeFileSync(join(dir, "cog.yaml"), readFileSync(join(dir, "cog.yaml"), "utf8").replace("python_version: 3.11", "python_version: 3.20"));
    expect(messages(() => generate(dir))).toEqual(['4:19 3.20 is read by YAML as the number 3.2; quote it: "3.20"']);
  });

  it("records the model directory's own name, which the image is named after (cog-<dir>) when cog.yaml has no image:", () => {
    const dir = scratch("valid/sdk-017");
    expect(readFileSync(join(dir, "cog.yaml"), "utf8")).not.toMatch(/^image:/m);
    const named = join(dirname(dir), "Style Transfer");
    renameSync(dir, named); // scratch() removes the whole temporary directory
    const { config } = generate(named);
    expect(config.image).toBeNull();
    expect(config.source.directory).toBe("Style Transfer");
  });

  it("routes Cog-style options after a python_packages entry to indexes and find-links", () => {
    const dir = scratch("valid/legacy-keys");
    const text = readFileSync(join(dir, "cog.yaml"), "utf8").replace('    - "numpy==1.26.4"', '    - "numpy==1.26.4 --extra-index-url=https://pkgs.example.com/simple -f https://pkgs.example.com/links"');
    writeFileSync(join(dir, "cog.yaml"), text);
    const { config } = generate(dir);
    expect(config.python.requirements[0]).toBe("numpy==1.26.4");
    expect(config.python.indexes.map((i) => i.url)).toContain("https://pkgs.example.com/simple");
    expect(config.python.findLinks).toContain("https://pkgs.example.com/links");
  });
});
