// The tool a Nix build ships (lib/image-tool.nix): ts/tool/main.ts compiled
// with plain tsc and run with node alone, from the folders that build copies.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repo } from "../../testkit/offline.ts";

const tmp = mkdtempSync(join(tmpdir(), "cognix-tool-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The top-level folders of ts/ lib/image-tool.nix copies into the build. */
function copiedFolders(): string[] {
  const m = /wanted = \[([^\]]*)\];/.exec(readFileSync(join(repo, "lib", "image-tool.nix"), "utf8"));
  return [...(m?.[1] ?? "").matchAll(/"([^"]+)"/g)].map((x) => x[1]!);
}

describe("the Nix-built tool", () => {
  const out = join(tmp, "out");
  const cli = (args: string[], cwd = tmp): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [join(out, "tool", "main.js"), ...args], { cwd, encoding: "utf8" });

  it("compiles from the folders the Nix build copies, with Node built-ins only", () => {
    const tsc = spawnSync(process.execPath, [
      join(repo, "node_modules/typescript/bin/tsc"),
      "--ignoreConfig", "--outDir", out, "--rootDir", join(repo, "ts"),
      "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--strict",
      "--types", "node", "--skipLibCheck", "--allowImportingTsExtensions", "--rewriteRelativeImportExtensions",
      "--verbatimModuleSyntax", join(repo, "ts/tool/main.ts"),
    ], { cwd: repo, encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");
    // Everything the tool runs lies in a folder the Nix build copies; others
    // hold types only (their modules are empty once compiled).
    for (const d of readdirSync(out).filter((x) => !copiedFolders().includes(x))) {
      for (const f of readdirSync(join(out, d), { recursive: true }).map(String).filter((x) => x.endsWith(".js"))) {
        const code = readFileSync(join(out, d, f), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "").trim();
        expect(code, `${d}/${f}`).toBe("export {};");
      }
    }
    writeFileSync(join(out, "package.json"), '{"type":"module"}\n');
  });

  it("answers --help and runs its commands with node and no packages", () => {
    const help = cli(["--help"]);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cognix <command> \[options\]\n[\s\S]*\n  push-weights +upload run-time weights/);
    expect(cli(["push-weights", "--help"]).stdout).toMatch(/^Usage: cognix push-weights \[options\]\n/);
    const bad = cli(["lock-weights", "--bogus"]);
    expect([bad.status, bad.stderr]).toEqual([2, "error: unknown option --bogus\n\nUsage: cognix lock-weights [options]\nRun `cognix lock-weights --help` for the options.\n"]);
    // A model with no weights: an empty lock, found from a subdirectory of the model.
    const model = join(tmp, "model");
    mkdirSync(join(model, "sub"), { recursive: true });
    writeFileSync(join(model, "cog.yaml"), 'build:\n  python_version: "3.12"\n');
    writeFileSync(join(model, "cognix.json"), JSON.stringify({ formatVersion: 1, weights: [] }));
    const locked = cli(["lock-weights", "--json"], join(model, "sub"));
    expect(locked.status, locked.stderr).toBe(0);
    expect(JSON.parse(locked.stdout)).toMatchObject({ ok: true, lockFile: join(model, "weights.lock.json"), files: {} });
    expect(cli(["image", "--help"]).status).toBe(0);
  });
});
