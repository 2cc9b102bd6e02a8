// `cognix push --json` prints one JSON document on stdout, also when the push fails.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate } from "../../generate/generate.ts";
import { capture, cognix, fakeTool, repo, tempDir } from "./helpers.ts";

const dir = tempDir("push");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cognix push: what it hands the image tool", () => {
  /** A built image that records the arguments of its `push`. */
  function recorder(name: string): { result: string; args: () => string[] } {
    const log = join(dir, `${name}.args`);
    const result = fakeTool(join(dir, name), "result", `printf '%s\\n' "$@" > "${log}"`);
    return { result, args: () => readFileSync(log, "utf8").trim().split("\n") };
  }

  it("speaks plain HTTP to localhost and 127.0.0.1 without --insecure, as Docker does, and TLS elsewhere", async () => {
    const r = recorder("loopback");
    for (const ref of ["127.0.0.1:5000/m:t", "localhost:5000/m", "[::1]:5000/m"]) {
      expect(await cognix(["push", ref, "--result", r.result], capture(dir).ctx)).toBe(0);
      expect(r.args()).toEqual(["push", ref, "--insecure"]);
    }
    expect(await cognix(["push", "r8.im/acme/m", "--result", r.result], capture(dir).ctx)).toBe(0);
    expect(r.args()).toEqual(["push", "r8.im/acme/m"]);
  });

  it("passes the push options on, checked once", async () => {
    const r = recorder("options");
    const args = ["push", "r8.im/a/b", "--result", r.result, "-j", "8", "--compression", "zstd", "--timeout", "30", "--authfile", "auth.json", "--cache-dir", "c"];
    expect(await cognix(args, capture(dir).ctx)).toBe(0);
    expect(r.args()).toEqual(["push", "r8.im/a/b", "--jobs", "8", "--compression", "zstd", "--timeout", "30", "--cache-dir", "c", "--auth-file", "auth.json"]);
    for (const [bad, why] of [
      [["-j", "65"], '--jobs must be a whole number from 1 to 64, not "65"'],
      [["--compression", "lz4"], '--compression must be gzip or zstd, not "lz4"'],
      [["--timeout", "0"], '--timeout must be a whole number from 1 to 86400, not "0"'],
    ] as const) {
      const c = capture(dir);
      expect(await cognix(["push", "r8.im/a/b", "--result", r.result, ...bad], c.ctx)).toBe(2);
      expect(c.err()).toMatch(new RegExp(`^error: ${why.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\n\nUsage: cognix push`));
    }
  });

  it("takes IMAGE from cog.yaml's image: (in cognix.json), from a subdirectory of the model", async () => {
    const r = recorder("from-config");
    const model = join(dir, "model-with-image");
    cpSync(join(repo, "examples", "minimal"), model, { recursive: true });
    mkdirSync(join(model, "sub"));
    const cogYaml = readFileSync(join(model, "cog.yaml"), "utf8");
    writeFileSync(join(model, "cog.yaml"), `${cogYaml}image: r8.im/acme/from-config\n`);
    writeFileSync(join(model, "cognix.json"), generate(model).json);
    const ok = capture(join(model, "sub"));
    expect(await cognix(["push", "--result", r.result], ok.ctx), ok.err()).toBe(0);
    expect(r.args()).toEqual(["push", "r8.im/acme/from-config"]);
    // image: changed in cog.yaml since cognix generate: not the old name.
    writeFileSync(join(model, "cog.yaml"), `${cogYaml}image: r8.im/acme/renamed\n`);
    const stale = capture(join(model, "sub"));
    expect(await cognix(["push", "--result", r.result], stale.ctx)).toBe(1);
    expect(stale.err()).toMatch(/^error: \.\.\/cognix\.json: stale: .*; run `cognix generate \.\.`\n$/);
    expect(r.args()).toEqual(["push", "r8.im/acme/from-config"]);
    // With IMAGE named, the model's result is checked before nix is asked
    // whether it is current (the flake reads cognix.json, not cog.yaml).
    writeFileSync(join(model, "flake.nix"), "{ outputs = _: { }; }\n");
    const nixLog = join(dir, "nix-called");
    fakeTool(join(dir, "nix-bin"), "nix", `echo "$@" >> "${nixLog}"; exit 1`);
    const named = capture(join(model, "sub"), { ...process.env, PATH: `${join(dir, "nix-bin")}:${process.env["PATH"] ?? ""}` });
    expect(await cognix(["push", "r8.im/acme/named"], named.ctx)).toBe(1);
    expect(named.err()).toMatch(/^error: \.\.\/cognix\.json: stale: .*; run `cognix generate \.\.`\n$/);
    expect(existsSync(nixLog)).toBe(false);
    // Without IMAGE: outside any model, and before cognix generate, says what to do.
    const outside = join(dir, "no-model");
    mkdirSync(outside);
    const none = capture(outside);
    expect(await cognix(["push", "--result", r.result], none.ctx)).toBe(1);
    expect(none.err()).toBe("error: no image to push to: no IMAGE given, and no cog.yaml in this directory or any above it to take image: from; name it, e.g. cognix push r8.im/you/model\n");
    rmSync(join(model, "cognix.json"));
    const ungenerated = capture(join(model, "sub"));
    expect(await cognix(["push", "--result", r.result], ungenerated.ctx)).toBe(1);
    expect(ungenerated.err()).toBe("error: ../cognix.json: missing, so cog.yaml's image: is not known yet: run `cognix generate`, or name the image, e.g. cognix push r8.im/you/model\n");
    expect(r.args()).toEqual(["push", "r8.im/acme/from-config"]);
    const bad = capture(dir);
    expect(await cognix(["push", "Not A Ref", "--result", r.result], bad.ctx)).toBe(2);
    expect(bad.err()).toMatch(/^error: invalid image reference "Not A Ref"/);
  });
});

describe("cognix push --json", () => {
  it("reports a failed push whose tool printed no JSON as {errors, ok: false}", async () => {
    const result = fakeTool(join(dir, "a"), "result", 'echo "cognix image push: registry 127.0.0.1:1 is unreachable (connection refused)" >&2; exit 1');
    const c = capture(dir);
    expect(await cognix(["push", "127.0.0.1:1/m:t", "--insecure", "--json", "--result", result], c.ctx)).toBe(1);
    expect(JSON.parse(c.out())).toEqual({ errors: ["cognix image push: registry 127.0.0.1:1 is unreachable (connection refused)"], ok: false });
    expect(c.err()).toBe("cognix image push: registry 127.0.0.1:1 is unreachable (connection refused)\n");
  });

  it("passes the tool's own JSON error on unchanged, as the only document", async () => {
    const result = fakeTool(join(dir, "b"), "result", `echo '{"errors":["x"],"ok":false}'; echo "cognix image push: x" >&2; exit 1`);
    const c = capture(dir);
    expect(await cognix(["push", "127.0.0.1:1/m:t", "--json", "--result", result], c.ctx)).toBe(1);
    expect(JSON.parse(c.out())).toEqual({ errors: ["x"], ok: false });
  });

  it("names an absolute --result as given", async () => {
    const c = capture(dir);
    expect(await cognix(["push", "r/m:t", "--result", "/nonexistent/result"], c.ctx)).toBe(1);
    expect(c.err()).toContain("error: /nonexistent/result: no built image here");
  });
});
