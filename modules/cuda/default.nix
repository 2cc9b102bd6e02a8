# CUDA user space for GPU models: the libraries the resolved CUDA/cuDNN
# versions need, plus the NVIDIA container environment. Nothing when gpu is off.
{ lib, config, pkgs, ... }:
let
  inherit (lib) mkOption mkDefault mkIf types literalExpression;
  cfg = config.cuda;
  internal = import ../../lib/internal.nix { inherit lib; };
  resolved = config.cog.config.cuda or null;
  versionParts = if cfg.version == null then [ ] else lib.splitString "." cfg.version;
  setName = "cudaPackages_${lib.concatStringsSep "_" (lib.take 2 versionParts)}";
  # nixpkgs drops old CUDA minors (their sets become throwing aliases). Within
  # a major, CUDA keeps minor-version compatibility, so the lowest newer minor
  # nixpkgs still has serves the model; the choice is reported as a warning.
  candidateNames =
    if builtins.length versionParts < 2 then [ setName ]
    else
      let
        major = builtins.elemAt versionParts 0;
        minor = lib.toInt (builtins.elemAt versionParts 1);
      in
      map (m: "cudaPackages_${major}_${toString m}") (lib.range minor (minor + 9));
  usable = lib.findFirst (c: c.set != null) { name = null; set = null; }
    (map (name: { inherit name; set = internal.lookupPackage pkgs name; }) candidateNames);
  usableName = usable.name;
  packageSet = usable.set;
  # Driver libraries are mounted here by the NVIDIA container runtime (as in Cog's images).
  driverLibraryPath = [ "/usr/lib/x86_64-linux-gnu" "/usr/local/nvidia/lib64" "/usr/local/nvidia/bin" ];
in
{
  options.cuda = {
    enable = mkOption {
      type = types.bool;
      description = "Put the CUDA user space and NVIDIA environment in the image.";
      defaultText = literalExpression "cog.gpu && cog.config.cuda != null";
      example = true;
    };
    version = mkOption {
      type = types.nullOr types.str;
      description = "CUDA version (major.minor) resolved by `cognix generate`.";
      defaultText = literalExpression "cog.config.cuda.version";
      example = "12.8";
    };
    cudnn = mkOption {
      type = types.nullOr types.str;
      description = "cuDNN major version resolved by `cognix generate`.";
      defaultText = literalExpression "cog.config.cuda.cudnn";
      example = "9";
    };
    packageSet = mkOption {
      type = types.attrsOf types.unspecified;
      description = "The nixpkgs CUDA package set the libraries are taken from.";
      defaultText = literalExpression "pkgs.\"cudaPackages_<major>_<minor>\"";
      example = literalExpression "pkgs.cudaPackages_12_8";
    };
    libraries = mkOption {
      type = types.listOf types.str;
      default = [ "cuda_cudart" "libcublas" "libcufft" "libcurand" "libcusolver" "libcusparse" "cuda_nvrtc" "nccl" "cudnn" ];
      description = "Attributes of `cuda.packageSet` to install: the libraries of NVIDIA's `runtime-cudnn` images.";
      example = [ "cuda_cudart" "libcublas" "cudnn" ];
    };
    packages = mkOption {
      type = types.listOf types.package;
      description = "The CUDA packages put in the image.";
      defaultText = literalExpression "map (n: cuda.packageSet.\${n}) cuda.libraries";
    };
  };

  config = lib.mkMerge [
    {
      cuda.enable = mkDefault (config.cog.gpu && resolved != null);
      cuda.version = mkDefault (if resolved == null then null else resolved.version);
      cuda.cudnn = mkDefault (if resolved == null then null else resolved.cudnn);
      cuda.packageSet = mkDefault (if packageSet == null then { } else packageSet);
      cuda.packages = mkDefault (map (n: cfg.packageSet.${n}) (builtins.filter (n: cfg.packageSet ? ${n}) cfg.libraries));
    }
    (mkIf cfg.enable {
      warnings = lib.optional (usableName != null && usableName != setName && cfg.packageSet == packageSet)
        "cuda: this nixpkgs has no usable `${setName}`; using `${usableName}` (same CUDA major, compatible with code built for ${toString cfg.version}). Set `cuda.packageSet` to choose another.";
      assertions = [
        {
          assertion = cfg.version != null;
          message = "cuda.version: gpu is on but cognix.json resolved no CUDA version; set `cuda.version`.";
        }
        {
          assertion = cfg.version == null || cfg.packageSet != { };
          message = "cuda.packageSet: CUDA ${toString cfg.version} is not available in this nixpkgs (no usable `${setName}`); set `cuda.packageSet` to a CUDA package set.";
        }
      ] ++ map
        (n: {
          assertion = cfg.packageSet == { } || cfg.packageSet ? ${n};
          message = "cuda.libraries: `${n}` is not in the CUDA ${toString cfg.version} package set.";
        })
        cfg.libraries;

      image.contents = cfg.packages;
      image.env = {
        NVIDIA_VISIBLE_DEVICES = mkDefault "all";
        NVIDIA_DRIVER_CAPABILITIES = mkDefault "all";
        NVIDIA_REQUIRE_CUDA = mkDefault "cuda>=${toString cfg.version}";
        CUDA_VERSION = mkDefault (toString cfg.version);
        LD_LIBRARY_PATH = mkDefault (lib.concatStringsSep ":" (map (p: "${lib.getLib p}/lib") cfg.packages ++ driverLibraryPath));
      };
    })
  ];
}
