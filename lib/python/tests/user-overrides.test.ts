// A model's own pyproject.nix overlay (python.overrides) sees `prev` and
// changes a package of the environment, as uv2nix's docs show it.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hostFacts, offlineMissing, repo } from "../../../ts/testkit/offline.ts";
import { nixEvalJson, nixString } from "../../../ts/testkit/nix-eval.ts";

const missing = offlineMissing();
if (missing.length > 0) console.warn(`lib/python: skipping the python.overrides test: missing ${missing.join(", ")}`);

describe.skipIf(missing.length > 0)("python.overrides", () => {
  it("applies an overlay that reads prev to the locked package", () => {
    const expr = `let
      built = import ${join(repo, "lib", "offline", "image.nix")} {
        modelDir = ${nixString(join(repo, "examples", "minimal"))};
        host = ${nixString(hostFacts())};
        typescriptDir = ${nixString(join(repo, "node_modules", "typescript"))};
        modules = [ {
          python.overrides = [ (final: prev: {
            pillow = prev.pillow.overrideAttrs (old: { passthru = old.passthru // { mark = "from the model"; }; });
          }) ];
        } ];
      };
      pillow = builtins.head (builtins.filter (p: p.name == "pillow") built.image.passthru.config.python.packages);
    in { mark = pillow.package.mark; version = pillow.package.version; venv = builtins.isString built.image.passthru.config.python.venv.drvPath; }`;
    expect(nixEvalJson<unknown>(expr)).toEqual({ mark: "from the model", version: "10.4.0", venv: true });
  });
});
