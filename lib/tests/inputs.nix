# The flake's locked inputs, fetched from the store without the flake
# machinery, so tests can evaluate files not yet tracked by git.
# Only inputs already in the store resolve offline; nixpkgs is never forced.
let
  lock = builtins.fromJSON (builtins.readFile ../../flake.lock);
  locked = name: builtins.fetchTree lock.nodes.${name}.locked;
in
{
  lib = import ((locked "nixpkgs-lib") + "/lib");
  source = locked;
}
