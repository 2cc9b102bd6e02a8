# Locked flake inputs read straight from flake.lock, for evaluations that run
# outside the flake (tests, `nix eval --expr`). fetchTree with the full locked
# attributes resolves from the store without network once seeded.
{ lockFile ? ../../flake.lock }:
let
  lock = builtins.fromJSON (builtins.readFile lockFile);
  get = name: builtins.fetchTree lock.nodes.${name}.locked;
in
{
  nixpkgs-lib = get "nixpkgs-lib";
  pyproject-nix = get "pyproject-nix";
  uv2nix = get "uv2nix";
  pyproject-build-systems = get "pyproject-build-systems";
}
