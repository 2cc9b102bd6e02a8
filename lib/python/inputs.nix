# Locked flake inputs read straight from flake.lock, for evaluations that run
# outside the flake (tests, `nix build --file`); from the store once seeded
# (lib/locked-input.nix).
{ lockFile ? ../../flake.lock }:
let
  lock = builtins.fromJSON (builtins.readFile lockFile);
  get = name: import ../locked-input.nix lock.nodes.${name}.locked;
in
{
  nixpkgs-lib = get "nixpkgs-lib";
  pyproject-nix = get "pyproject-nix";
  uv2nix = get "uv2nix";
  pyproject-build-systems = get "pyproject-build-systems";
}
