# A GPU model evaluated with the offline package set (lib/offline), which
# carries nixpkgs' CUDA names, licences and refusals: what mkCogImage makes of
# it and of the CUDA package set it picks.
{
  host,
  typescriptDir,
  example ? "gpu",
  # A directory with uv.lock and pyproject.toml; null: no lock, a stand-in venv.
  lock ? null,
  # The offline set's config, and `cudaPkgs`/`nixpkgsConfig` for mkCogImage.
  config ? { },
  cudaPkgsConfig ? null,
  nixpkgsConfig ? { },
  modules ? [ ],
}:
let
  inputs = import ../../../lib/python/inputs.nix { };
  lib = import (inputs.nixpkgs-lib.outPath + "/lib");
  cognix = import ../../../lib { inherit lib; };
  offline = config: import ../../../lib/offline { inherit lib host typescriptDir config; };
  pkgs = offline config;
  image = cognix.mkCogImage {
    inherit pkgs nixpkgsConfig;
    cudaPkgs = if cudaPkgsConfig == null then null else offline cudaPkgsConfig;
    src = ../../../examples + "/${example}";
    modules =
      (
        if lock == null then
          [ { python.venv = pkgs.python311; python.pipFreeze = ""; } ]
        else
          [ { python.uvLock = lock + "/uv.lock"; python.pyproject = lock + "/pyproject.toml"; } ]
      )
      # A stand-in environment, or a fixture lock without the cog SDK: the
      # SDK version the lock would give is stated.
      ++ [ { cog.sdkVersion = "0.23.1"; } ]
      ++ modules;
  };
  c = image.config;
  ldEntry = lib.findFirst (lib.hasPrefix "LD_LIBRARY_PATH=") (throw "no LD_LIBRARY_PATH in the image") c.image.config.Env;
  license = shortName: { meta.license = { inherit shortName; free = false; }; };
in
{
  inherit (image) drvPath;
  inherit (c.cuda) libraries driverEnv;
  packages = map (p: p.name) c.cuda.packages;
  ldLibraryPath = lib.splitString ":" (lib.removePrefix "LD_LIBRARY_PATH=" ldEntry);
  entrypoint = c.image.config.Entrypoint;
  root = builtins.filter (e: e.path == "/sbin/cognix-cuda-env") (c.image.root ++ c.image.extraRoot);
  warnings = builtins.filter (lib.hasPrefix "cuda:") c.warnings;
  failed = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);
  cudaPkgs = {
    cudaSupport = c.cuda.pkgs.config.cudaSupport or false;
    allows = lib.genAttrs [ "CUDA EULA" "cuDNN EULA" "Mine" "Other" ] (n: c.cuda.pkgs.config.allowUnfreePredicate (license n));
    userKeys = builtins.attrNames (builtins.removeAttrs c.cuda.pkgs.config [ "cudaSupport" "allowUnfreePredicate" ]);
  };
}
