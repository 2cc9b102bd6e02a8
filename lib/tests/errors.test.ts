// Bad inputs fail evaluation with a message naming the file and the key:
// unreadable cognix.json, failed assertions when the image is forced,
// warnings printed. Also checks the option documentation.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { hasNix, inputAvailable, nixEvalExpr } from "../../ts/testkit/nix-eval.ts";

const here = dirname(fileURLToPath(import.meta.url));
const lockFile = join(here, "..", "..", "flake.lock");
const libOk = hasNix() && inputAvailable(lockFile, "nixpkgs-lib");
if (!libOk) console.warn("lib/tests: skipping Nix error tests: `nix` or the nixpkgs-lib input is missing");

const harness = join(here, "harness.nix");
const fixtures = join(here, "fixtures");
const examples = join(here, "..", "..", "examples");
// A string, not a path: node_modules must not be copied into the store.
const typescriptDir = join(here, "..", "..", "node_modules", "typescript");

/** Evaluates `body` with `h` bound to the test harness. */
function evalWith(body: string) {
  return nixEvalExpr(`let h = import ${harness} { typescriptDir = "${typescriptDir}"; }; in ${body}`);
}

/** drvPath of the image of `src` with extra modules (forces assertions). */
function forceImage(src: string, modules = "[ ]", cognixJson = "null") {
  return evalWith(
    `(h.cognix.mkCogImage { pkgs = h.stub; src = ${src}; cognixJson = ${cognixJson}; ` +
      `modules = [ { python.venv = h.stub.fakePython; python.pipFreeze = ""; } ] ++ ${modules}; }).drvPath`,
  );
}

describe.skipIf(!libOk)("Nix errors", () => {
  it("rejects an unsupported formatVersion, naming the file", () => {
    const r = forceImage(join(fixtures, "bad-format"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${join(fixtures, "bad-format", "cognix.json")}: formatVersion 2 is not supported (expected 1)`);
  });

  it("rejects a cognix.json missing a key, naming the key", () => {
    const r = forceImage(join(fixtures, "missing-key"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${join(fixtures, "missing-key", "cognix.json")}: missing key \`concurrency\``);
  });

  it("says when cognix.json does not exist", () => {
    const r = forceImage(join(fixtures, "ignore-model"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${join(fixtures, "ignore-model", "cognix.json")}: not found. Run \`cognix generate\``);
  });

  it("lists every failed assertion when the image is forced", () => {
    const r = forceImage(join(fixtures, "unknown-apt"), `[ { cog.environment.REPLICATE_TOKEN = "x"; } ]`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("cognix: failed assertions:");
    expect(r.stderr).toContain("- image.systemPackages: `foo` (for apt package `libfoo1`) is not in the package set.");
    expect(r.stderr).toContain("- image.systemPackages: `xorg.libNope` (for apt package `libfoo1`) is not in the package set.");
    expect(r.stderr).toContain("- cog.environment.REPLICATE_TOKEN: REPLICATE_TOKEN is reserved by Cog");
  });

  it("prints cognix.json warnings when the image is forced", () => {
    const r = forceImage(join(fixtures, "warned"));
    expect(r.stderr).toContain(`cognix: warning: ${join(fixtures, "warned", "cognix.json")}: python_packages is deprecated`);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatch(/^\/nix\/store\/[0-9a-z]{32}-cog-model\.drv$/);
  });

  it("instantiates the GPU example with the CUDA libraries (the lib outputs) in the closure roots", () => {
    const r = evalWith(
      `let i = h.cognix.mkCogImage { pkgs = h.stub; src = ${join(examples, "gpu")}; ` +
        `modules = [ { python.venv = h.stub.fakePython; python.pipFreeze = ""; cog.sdkVersion = "0.23.1"; } ]; }; ` +
        `in { drv = i.drvPath; roots = map (p: p.name) i.config.cuda.packages; ` +
        `libs = builtins.length (builtins.filter (d: builtins.match "/nix/store/.*-lib/lib" d != null) ` +
        `(h.lib.splitString ":" (builtins.replaceStrings [ "LD_LIBRARY_PATH=" ] [ "" ] ` +
        `(builtins.head (builtins.filter (e: builtins.substring 0 16 e == "LD_LIBRARY_PATH=") i.config.image.config.Env))))); }`,
    );
    // nixpkgs removed CUDA 12.4; the next minor it has serves, with a warning.
    expect(r.stderr).toContain("cuda: this nixpkgs has no usable `cudaPackages_12_4`; using `cudaPackages_12_6`");
    const out = JSON.parse(r.stdout) as { drv: string; roots: string[]; libs: number };
    expect(out.drv).toMatch(/^\/nix\/store\/[0-9a-z]{32}-resnet\.drv$/);
    expect(out.roots).toContain("cuda12.6-cudnn-9");
    expect(out.libs).toBe(out.roots.length);
  });

  it("evaluates image attributes without a package set", () => {
    const r = evalWith(
      `let i = h.cognix.mkCogImage { pkgs = throw "no pkgs"; src = ${join(examples, "gpu")}; modules = [ { python.pipFreeze = ""; } ]; }; ` +
        `in { inherit (i) name type; labels = builtins.attrNames i.config.image.labels; }`,
    );
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      name: "resnet",
      type: "derivation",
      labels: ["run.cog.config", "run.cog.has_init", "run.cog.pip_freeze", "run.cog.version"],
    });
  });

  it("names a Python version the package set does not carry", () => {
    const r = evalWith(
      `(h.evalStub { src = h.examples + "/minimal"; modules = [ { python.version = h.lib.mkForce "3.8"; } ]; }).config.python.interpreter.name`,
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("python.interpreter: Python 3.8 is not in this nixpkgs (no usable `pkgs.python38`)");
  });

  it("documents every visible option with a description", () => {
    const r = evalWith(
      `map (o: { inherit (o) name; described = (o.description or null) != null && o.description != ""; }) h.cognix.optionsList`,
    );
    expect(r.status).toBe(0);
    const options = JSON.parse(r.stdout) as { name: string; described: boolean }[];
    const names = options.map((o) => o.name);
    for (const n of ["cog.predict", "cog.revision", "cuda.packageSet", "image.labels", "image.env", "image.systemPackages", "python.venv"]) {
      expect(names).toContain(n);
    }
    // The modules of this library; weights has its own tests.
    const ours = options.filter((o) => /^(cog|cuda|image|python)\./.test(o.name));
    expect(ours.length).toBeGreaterThan(30);
    expect(ours.filter((o) => !o.described)).toEqual([]);
    const md = evalWith("h.cognix.optionsMarkdown");
    expect(md.status).toBe(0);
    const text = JSON.parse(md.stdout) as string;
    for (const n of names) expect(text).toContain(`## \`${n}\``);
    // docs/options.md is this text, committed; scripts/gen-options-doc rewrites it.
    const committed = readFileSync(join(here, "..", "..", "docs", "options.md"), "utf8");
    expect(committed === text ? "" : "docs/options.md is stale: run scripts/gen-options-doc").toBe("");
  });
});
