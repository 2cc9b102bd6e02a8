# `nix run .#<model>.push-weights -- --to s3://bucket/prefix`: uploads the
# model's locked weights and rewrites its weights.lock.json.
#
# `manifest` is the lock file's path as a string (not a Nix path: a path
# would be copied to the read-only store, and push-weights rewrites it);
# a relative string is taken from the directory `nix run` is started in.
{ pkgs, cognixTool, manifest, sets ? null, destination ? null, lib ? pkgs.lib }:
let
  setArgs = if sets == null then "" else lib.concatMapStringsSep " " (s: "--set ${lib.escapeShellArg s}") sets;
  destArg = if destination == null then "" else "--to ${lib.escapeShellArg destination}";
in
pkgs.writeShellScriptBin "push-weights" ''
  set -eu
  if [ -n "''${COGNIX_WEIGHTS_LOCK:-}" ]; then lock="$COGNIX_WEIGHTS_LOCK"; else lock=${lib.escapeShellArg (toString manifest)}; fi
  exec ${cognixTool}/bin/cognix push-weights --lock "$lock" ${destArg} ${setArgs} "$@"
''
