# The package set CUDA libraries come from. nixpkgs refuses its CUDA
# redistributables unless the instance was imported with `cudaSupport` (they
# are marked broken otherwise) and with NVIDIA's licences allowed (they are
# unfree), and `legacyPackages` has neither. A GPU image therefore takes its
# CUDA libraries from an instance of the same nixpkgs made for CUDA, and
# everything else from the one it was given, which stays the instance the
# public binary cache has built.
{ lib }:
let
  # The predicate of nixpkgs' CUDA manual (doc/languages-frameworks/cuda.section.md),
  # for a nixpkgs without `_cuda.lib.allowUnfreeCudaPredicate`.
  manualPredicate =
    package:
    lib.all (
      license:
      license.free or false
      || lib.elem (license.shortName or null) [
        "CUDA EULA"
        "cuDNN EULA"
        "cuSPARSELt EULA"
        "cuTENSOR EULA"
        "NVidia OptiX EULA"
      ]
    ) (lib.toList (package.meta.license or [ ]));
in
rec {
  /**
    nixpkgs' own CUDA licence predicate when `pkgs` has one.
  */
  cudaPredicate = pkgs: pkgs._cuda.lib.allowUnfreeCudaPredicate or manualPredicate;

  /**
    The config a CUDA instance is imported with: the user's, plus
    `cudaSupport` and an unfree predicate that also allows NVIDIA's licences
    (the user's own predicate still allows what it allowed).
  */
  config =
    {
      pkgs,
      userConfig ? { },
    }:
    let
      own = userConfig.allowUnfreePredicate or null;
      cuda = cudaPredicate pkgs;
    in
    userConfig
    // {
      cudaSupport = true;
      allowUnfreePredicate = if lib.isFunction own then p: own p || cuda p else cuda;
    };

  /**
    The instance CUDA libraries come from: `pkgs` itself when it was imported
    with `cudaSupport` (its config then decides about licences), else
    `pkgs.path` (nixpkgs' source) imported again for the same system and
    overlays with `config`. A package set that cannot be imported again is
    used as it is, and refuses what its config refuses.
  */
  instance =
    {
      pkgs,
      userConfig ? { },
    }:
    if pkgs.config.cudaSupport or false then
      pkgs
    else if pkgs ? path then
      import pkgs.path {
        system = pkgs.stdenv.hostPlatform.system;
        overlays = pkgs.overlays or [ ];
        config = config { inherit pkgs userConfig; };
      }
    else
      pkgs;
}
