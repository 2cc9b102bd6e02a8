# A model's image built with the offline package set: what
# `scripts/build-example --stub DIR OUT` builds. `wheels` lists the Python
# package files the build fetches, for scripts/fetch-wheels.
{
  # The model directory (cog.yaml, cognix.json, pyproject.toml, uv.lock).
  modelDir,
  # probe-host.py's JSON output.
  host,
  typescriptDir,
  rev ? null,
  modules ? [ ],
}:
let
  inputs = import ../python/inputs.nix { };
  lib = import (inputs.nixpkgs-lib.outPath + "/lib");
  cognix = import ../. { inherit lib; };
  pkgs = import ./. { inherit lib host typescriptDir; };
  src = /. + modelDir;
  # A model's own module.nix is added, as the flake does for examples/.
  own = src + "/module.nix";
  image = cognix.mkCogImage {
    inherit pkgs rev src;
    modules = modules ++ pkgs.lib.optional (builtins.pathExists own) own;
  };
  python = image.passthru.config.python;
in
{
  inherit image pkgs;
  # { name; url; hash; } of every wheel the environment installs.
  wheels = map (p: {
    inherit (p.package.src) url hash;
    name = p.package.src.name;
  }) (builtins.filter (p: p.package.src ? url) python.packages);
}
