// The command as users get it: compiled to dist/ (the npm package's
// `prepare` script) and run through a link named `cognix` (npm's bin link),
// and through the flake (`nix run .#cognix`, offline here), from anywhere.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasNix, inputAvailable } from "../testkit/nix-eval.ts";
import { repo } from "../testkit/offline.ts";

const tmp = mkdtempSync(join(tmpdir(), "cognix-installed-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the installed cognix command", () => {
  // dist/ beside schemas/ and templates/, as in the package.
  const out = join(repo, "dist");

  it("builds with the package's prepare script and runs through a bin link", () => {
    const build = spawnSync(join(repo, "node_modules", "typescript", "bin", "tsc"), ["-p", join(repo, "tsconfig.build.json"), "--outDir", out], { encoding: "utf8" });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    // The compiled command keeps its #! line, flags and all (ts/tests/node-flags.test.ts).
    expect(readFileSync(join(out, "cli.js"), "utf8").split("\n")[0]).toBe(readFileSync(join(repo, "ts", "cli.ts"), "utf8").split("\n")[0]);
    chmodSync(join(out, "cli.js"), 0o755); // npm makes bin targets executable
    const link = join(tmp, "cognix");
    symlinkSync(join(out, "cli.js"), link);
    const help = spawnSync(link, ["--help"], { cwd: tmp, encoding: "utf8" });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cognix <command>/);
    const bad = spawnSync(link, ["no-such-command"], { cwd: tmp, encoding: "utf8" });
    expect(bad.status).toBe(2);
  });

  /** The files a commit of this working tree holds (no node_modules, no dist/), in `tmp/name`. */
  function cleanCheckout(name: string): string {
    const checkout = join(tmp, name);
    const files = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: repo, encoding: "utf8" });
    expect(files.status, files.stderr).toBe(0);
    for (const f of files.stdout.split("\0")) {
      if (f === "" || !existsSync(join(repo, f))) continue;
      mkdirSync(dirname(join(checkout, f)), { recursive: true });
      cpSync(join(repo, f), join(checkout, f), { verbatimSymlinks: true });
    }
    expect(existsSync(join(checkout, "node_modules"))).toBe(false);
    return checkout;
  }

  /** The linked command runs anywhere, with its runtime dependencies: cog.yaml read, validated, predict.py parsed. */
  function expectWorking(bin: string, name: string): void {
    const help = spawnSync(bin, ["--help"], { cwd: tmp, encoding: "utf8" });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cognix <command> \[options\]\n/);
    expect(help.stdout).toContain("Compared with Cog");
    const model = join(tmp, name, "minimal");
    cpSync(join(repo, "examples", "minimal"), model, { recursive: true });
    const check = spawnSync(bin, ["generate", "--check"], { cwd: model, encoding: "utf8" });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toMatch(/cognix\.json is up to date\n$/);
    expect(spawnSync(bin, ["no-such-command"], { cwd: tmp }).status).toBe(2);
  }

  // Offline, from npm's cache: the tarballs package-lock.json names.
  const npmEnv = { ...process.env, npm_config_update_notifier: "false", npm_config_audit: "false", npm_config_fund: "false" };

  it("npm install -g . in a clean checkout installs what it needs, compiles dist/ and links a working cognix", () => {
    const checkout = cleanCheckout("checkout");
    const prefix = join(tmp, "prefix");
    const install = spawnSync("npm", ["install", "-g", ".", "--prefix", prefix, "--offline", "--allow-scripts=cognix"], { cwd: checkout, env: npmEnv, encoding: "utf8", timeout: 600_000 });
    expect(install.status, install.stdout + install.stderr).toBe(0);
    expectWorking(join(prefix, "bin", "cognix"), "installed");
  }, 600_000);

  it("npm link in a clean checkout does the same", () => {
    const checkout = cleanCheckout("checkout-link");
    const prefix = join(tmp, "prefix-link");
    mkdirSync(prefix);
    const link = spawnSync("npm", ["link", "--offline"], { cwd: checkout, env: { ...npmEnv, npm_config_prefix: prefix }, encoding: "utf8", timeout: 600_000 });
    expect(link.status, link.stdout + link.stderr).toBe(0);
    expectWorking(join(prefix, "bin", "cognix"), "linked");
  }, 600_000);
});

const nixMissing = !hasNix() ? "nix" : !inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib") ? "the nixpkgs-lib flake input in the Nix store" : null;
if (nixMissing !== null) console.warn(`ts/tests: skipping nix run .#cognix: missing ${nixMissing}`);

describe.skipIf(nixMissing !== null)("nix run .#cognix", () => {
  it("builds the command from the flake's sources with the inputs there are (no nixpkgs here) and runs it", () => {
    // A path: flake of the checkout's files (untracked ones too; no node_modules).
    const flake = join(tmp, "flake");
    mkdirSync(flake);
    for (const f of ["flake.nix", "flake.lock", "package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "lib", "modules", "examples", "schemas", "templates", "ts"]) {
      cpSync(join(repo, f), join(flake, f), { recursive: true, verbatimSymlinks: true, filter: (src) => !/\/result(-[^/]*)?$/.test(src) });
    }
    const env = { ...process.env, XDG_CACHE_HOME: join(tmp, "cache"), NIX_CONFIG: "experimental-features = nix-command flakes" };
    const run = (args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } =>
      spawnSync("nix", ["run", `path:${flake}#cognix`, "--", ...args], { cwd, env, encoding: "utf8", timeout: 900_000 });
    const help = run(["--help"], tmp);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cognix <command> \[options\]\n/);
    expect(help.stdout).toContain("Compared with Cog");
    // The whole program: cog.yaml read, validated and its schema parsed from predict.py.
    const model = join(tmp, "minimal");
    cpSync(join(repo, "examples", "minimal"), model, { recursive: true });
    const check = run(["generate", "--check"], join(model));
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toMatch(/cognix\.json is up to date\n$/);
  }, 900_000);
});
