# The flake template's outputs, called with cognix's lib and the stub set.
let
  h = import ../harness.nix { };
  flake = import ../../../templates/default/flake.nix;
  outputs = flake.outputs {
    self = { rev = "1111111111111111111111111111111111111111"; };
    cognix.lib = h.cognix;
    nixpkgs.legacyPackages.x86_64-linux = h.stub;
  };
  image = outputs.packages.x86_64-linux.default;
in
{
  inputs = builtins.attrNames flake.inputs;
  packages = builtins.attrNames outputs.packages.x86_64-linux;
  apps = builtins.attrNames outputs.apps.x86_64-linux;
  uvLock = baseNameOf (toString image.config.python.uvLock);
  revision = image.config.cog.revision;
}
