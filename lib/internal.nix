# Helpers shared by the modules; `lib` only.
{ lib }:
let
  dockerignore = import ./dockerignore.nix { inherit lib; };
  source = import ./source.nix { inherit lib dockerignore; };
  formatVersion = 1;
in
{
  inherit dockerignore source;

  # Parse cognix.json, refusing files this code does not understand.
  readCognixJson = file:
    let
      name = toString file;
      data =
        if !(builtins.pathExists file)
        then throw "${name}: not found. Run `cognix generate` in the model directory first."
        else builtins.fromJSON (builtins.readFile file);
      missing = builtins.filter (k: !(data ? ${k})) [
        "formatVersion" "source" "python" "gpu" "cuda" "systemPackages" "predict" "train"
        "concurrency" "environment" "cog" "labels" "warnings"
      ];
    in
    if !builtins.isAttrs data then throw "${name}: expected a JSON object"
    else if (data.formatVersion or null) != formatVersion
    then throw "${name}: formatVersion ${builtins.toJSON (data.formatVersion or null)} is not supported (expected ${toString formatVersion}); regenerate it with this cognix."
    else if missing != [ ] then throw "${name}: missing key `${builtins.head missing}`; regenerate it with `cognix generate`."
    else data;

  # "a.b.c" → pkgs.a.b.c, or null when absent (or throwing, as removed aliases do).
  lookupPackage = pkgs: attrPath:
    let
      path = lib.splitString "." attrPath;
      found = builtins.tryEval (lib.attrByPath path null pkgs);
    in
    if found.success then found.value else null;
}
