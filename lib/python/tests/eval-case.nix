# Evaluates the python library against one fixture and returns plain data for
# the tests: chosen wheels and hashes, dependency names, overrides, package
# list, pip freeze.
{
  workspaceRoot,
  pythonVersion,
  dependencies ? null,
  checkFresh ? true,
  lockFile ? ../../../flake.lock,
}:
let
  inputs = import ../inputs.nix { inherit lockFile; };
  lib = import (inputs.nixpkgs-lib.outPath + "/lib");
  py = import ../default.nix { inherit lib inputs; };
  loaded = py.load { inherit workspaceRoot pythonVersion dependencies checkFresh; };
  recording = import ./recording-set.nix { inherit lib; inherit (loaded) pythonInfo; };
  # The same overlay stack mkVenv uses with nixpkgs.
  set = recording.apply (py.overlayStack loaded [ ]);
  describe =
    name:
    let
      drv = set.${name};
    in
    {
      inherit (drv) version;
      format = drv.passthru.format;
      src = {
        url = drv.src.url or null;
        hash = drv.src.hash or null;
        name = drv.src.name or null;
      };
      dependencies = builtins.attrNames (drv.passthru.dependencies or { });
      nativeBuildInputs = map (d: d.name) (drv.nativeBuildInputs or [ ]);
      buildInputs = map (d: d.pname or d.name) (drv.buildInputs or [ ]);
      autoPatchelfIgnoreMissingDeps = drv.autoPatchelfIgnoreMissingDeps or [ ];
      preFixup = drv.preFixup or "";
      override = drv.passthru.cognixOverride or null;
    };
in
{
  inherit (loaded) packages pipFreeze versions;
  # A build system the lock does not mention still comes from build-system-pkgs.
  hatchling = (describe "hatchling").src;
  inherit (loaded) addsPip;
  pip = if loaded.addsPip then describe "pip" else null;
  overridden = py.overrides.appliesTo loaded.packages;
  details = lib.genAttrs loaded.packages describe;
}
