// The command as npm installs it: compiled to dist/ (the package's `prepare`
// script), run through a link named `cognix` (npm's bin link), from anywhere.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repo } from "../testkit/offline.ts";

describe("the installed cognix command", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cognix-installed-"));
  // dist/ beside schemas/ and templates/, as in the package.
  const out = join(repo, "dist");
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("builds with the package's prepare script and runs through a bin link", () => {
    const build = spawnSync(join(repo, "node_modules", "typescript", "bin", "tsc"), ["-p", join(repo, "tsconfig.build.json"), "--outDir", out], { encoding: "utf8" });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    chmodSync(join(out, "cli.js"), 0o755); // npm makes bin targets executable
    const link = join(tmp, "cognix");
    symlinkSync(join(out, "cli.js"), link);
    const help = spawnSync(link, ["--help"], { cwd: tmp, encoding: "utf8" });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cognix <command>/);
    const bad = spawnSync(link, ["no-such-command"], { cwd: tmp, encoding: "utf8" });
    expect(bad.status).toBe(2);
  });
});
