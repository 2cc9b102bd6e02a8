import { existsSync, readFileSync } from "node:fs";

const DEFAULT_COGNIX_URL = "github:cognix/cognix";

// Used when cognix runs without its templates/ directory beside it.
const FALLBACK_FLAKE = `{
  description = "A Cog model, built into an OCI image with cognix";

  inputs = {
    cognix.url = "${DEFAULT_COGNIX_URL}";
    nixpkgs.follows = "cognix/nixpkgs";
  };

  # \`cognix build\`, then \`cognix load\` or \`cognix push REF\`.
  outputs = { self, cognix, nixpkgs }:
    cognix.lib.cognixFlake {
      inherit self nixpkgs;
      src = ./.;
      modules = [
        {
          python.uvLock = ./uv.lock;
          python.pyproject = ./pyproject.toml;
        }
      ];
    };
}
`;

/** The template's flake.nix, with the cognix input pointed at `url` when given. */
export function flakeText(url: string | undefined): string {
  const template = new URL("../../templates/default/flake.nix", import.meta.url);
  const text = existsSync(template) ? readFileSync(template, "utf8") : FALLBACK_FLAKE;
  if (url === undefined) return text;
  const replaced = text.replace(/(cognix\.url\s*=\s*)"[^"]*"/, (_m, lhs: string) => `${lhs}${JSON.stringify(url)}`);
  if (replaced === text && !text.includes(JSON.stringify(url))) throw new Error("the flake template has no cognix.url line to set");
  return replaced;
}
