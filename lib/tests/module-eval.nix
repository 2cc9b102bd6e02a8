# Some of cognix's modules evaluated without a model, as mkCogImage evaluates
# them: with the `cognix` module argument and the options they contribute to
# (assertions, image).
{
  lib,
  pkgs,
  modules,
}:
lib.evalModules {
  modules = [
    ../../modules/assertions.nix
    ../../modules/image
  ]
  ++ modules;
  specialArgs = {
    inherit pkgs;
    cognix = import ../internal.nix { inherit lib; };
  };
}
