# Evaluates modules/python with lib only (pkgs is a thrower: touching it fails
# the test) and a cog.config stub, the way mkCogImage does.
{
  workspaceRoot,
  pythonVersion,
  extraModules ? [ ],
  # Give python.venv a (never built) derivation so python.env can be read.
  fakeVenv ? false,
}:
let
  inputs = import ../inputs.nix { };
  lib = import (inputs.nixpkgs-lib.outPath + "/lib");
  eval = import ../../tests/module-eval.nix {
    inherit lib;
    pkgs = throw "pkgs was forced during lib-only evaluation";
    modules = [
      ../../../modules/python
      {
        options.cog.config = lib.mkOption { type = lib.types.attrsOf lib.types.unspecified; };
        config.cog.config.python.version = pythonVersion;
        config.python.uvLock = workspaceRoot + "/uv.lock";
        config.python.pyproject = workspaceRoot + "/pyproject.toml";
      }
    ]
    ++ lib.optional fakeVenv {
      python.venv = builtins.derivation {
        name = "fake-venv";
        system = "x86_64-linux";
        builder = "/bin/sh";
      };
    }
    ++ extraModules;
  };
  py = eval.config.python;
in
{
  inherit (py)
    pipFreeze
    sitePackages
    writableSitePackages
    locked
    ;
  names = map (p: p.name) py.packages;
  env = if fakeVenv then py.env else null;
  versions = map (p: p.version) py.packages;
}
