# A lock resolved the way an image build resolves it: cognix's lib-only checks
# for the Python cog.yaml names (`pythonVersion`), then uv2nix's overlay (with
# build-system-pkgs' and cognix's) on a recording package set whose
# interpreter is `interpreterVersion`, the patch release nixpkgs ships.
{
  workspaceRoot,
  pythonVersion,
  interpreterVersion ? pythonVersion,
}:
let
  inputs = import ../inputs.nix { };
  lib = import (inputs.nixpkgs-lib.outPath + "/lib");
  py = import ../default.nix { inherit lib inputs; };
  loaded = py.load {
    inherit workspaceRoot pythonVersion;
    checkFresh = false;
  };
  recording = import ./recording-set.nix {
    inherit lib;
    pythonInfo = py.mkPythonInfo { version = interpreterVersion; };
  };
  set = recording.apply (py.overlayStack loaded [ ]);
in
{
  inherit (loaded) packages;
  # What the overlays built for each locked package (forces uv2nix's own
  # requires-python check against the interpreter).
  versions = lib.genAttrs loaded.packages (n: set.${n}.version);
}
