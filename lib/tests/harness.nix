# Shared setup of the Nix tests: lib from the locked inputs, cognix's lib,
# the stub package set, and helpers to make results independent of hashes.
{ typescriptDir ? null }:
let
  inputs = import ./inputs.nix;
  lib = inputs.lib;
  cognix = import ../. { inherit lib; };
  stub = import ./stub-pkgs.nix { inherit lib typescriptDir; };

  # Store hashes depend on host tool paths, and the checkout's location on the
  # machine; tests compare everything else.
  repoRoot = toString ../..;
  scrubString = s:
    builtins.replaceStrings [ "${repoRoot}/" ] [ "REPO/" ]
      (lib.concatMapStrings (x: if builtins.isList x then "/nix/store/HASH-" else x)
        (builtins.split "/nix/store/[0-9a-z]{32}-" (builtins.unsafeDiscardStringContext s)));
  scrub = v:
    if builtins.isString v then scrubString v
    else if builtins.isList v then map scrub v
    else if builtins.isAttrs v then lib.mapAttrs (_: scrub) v
    else v;

  # Evaluate a model with the stub set and the fake python as environment.
  evalStub = { src, modules ? [ ], rev ? null, pkgs ? stub, cognixJson ? null }:
    cognix.evalCog {
      inherit src rev pkgs cognixJson;
      modules = [{ python.venv = lib.mkDefault stub.fakePython; python.pipFreeze = lib.mkDefault "pillow==10.4.0"; }] ++ modules;
    };

  failedAssertions = config: map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
in
{
  inherit lib cognix stub scrub evalStub failedAssertions;
  examples = ../../examples;
  fixtures = ./fixtures;
}
