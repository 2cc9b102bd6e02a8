// The image environment is exported in the build-time shell script that
// renders the OpenAPI schema: a variable's name must not run as a command.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { hasNix, inputAvailable, nixEvalExpr } from "../../../lib/tests/nix-eval.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..", "..");
const libOk = hasNix() && inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib");
if (!libOk) console.warn("modules/cog: skipping environment-name test: nix or the flake input nixpkgs-lib is missing");

describe.skipIf(!libOk)("modules/cog openapi schema script", () => {
  const dir = mkdtempSync(join(tmpdir(), "cognix-env-names-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("quotes variable names and values, so neither runs as a command", () => {
    const expr = `
      let
        h = import ${join(repo, "lib/tests/harness.nix")} { };
        c = (h.evalStub {
          src = h.examples + "/minimal";
          modules = [ { image.env = { "X$(touch name-ran)" = "v"; SAFE = "$(touch value-ran)"; }; } ];
        }).config;
      in builtins.elemAt c.cog.openapiSchema.drvAttrs.args 1`;
    const r = nixEvalExpr(expr);
    expect(r.stderr.includes("error:") ? r.stderr : "").toBe("");
    const script = JSON.parse(r.stdout) as string;
    const exports = script.split("\n").filter((l) => l.trimStart().startsWith("export ") && !l.includes("HOME="));
    expect(exports.length).toBeGreaterThanOrEqual(2);
    // Run just the export lines, as the build would.
    spawnSync("bash", ["-c", exports.join("\n")], { cwd: dir, encoding: "utf8" });
    expect(readdirSync(dir)).toEqual([]);
  });
});
