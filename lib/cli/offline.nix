# The cognix command built without nixpkgs, from this machine's node and
# bash and npm's cache (what `nix run .#cognix` falls back to when nixpkgs
# cannot be had; the same package lib/cli/default.nix describes):
#
#   nix build --impure --file lib/cli/offline.nix --argstr node "$(command -v node)"
{
  node,
  bash ? "/bin/bash",
  system ? builtins.currentSystem,
  src ? ../..,
}:
let
  lib = import ((import ../python/inputs.nix { }).nixpkgs-lib.outPath + "/lib");
  hostPath = "/usr/bin:/bin:/usr/sbin:/sbin";
  trivial = import ../offline/trivial.nix { inherit lib system bash hostPath; };
  nodejs = trivial.runCommand "nodejs-host" { } ''
    mkdir -p "$out/bin"
    ln -s ${node} "$out/bin/node"
  '';
in
import ./. {
  inherit lib system src nodejs;
  inherit (trivial) runCommand;
  runtimeShell = bash;
  fetchTarball = import ./npm-cache-fetch.nix { inherit system bash hostPath; };
}
