# The flake's locked inputs, from the store without the flake machinery
# (lib/locked-input.nix), so tests can evaluate files not yet tracked by git.
# Only inputs already in the store resolve offline; nixpkgs is never forced.
let
  lock = builtins.fromJSON (builtins.readFile ../../flake.lock);
  locked = name: import ../locked-input.nix lock.nodes.${name}.locked;
in
{
  lib = import ((locked "nixpkgs-lib") + "/lib");
  source = locked;
}
