# CUDA user space for GPU models: the NVIDIA container environment, the
# driver's library directories, and the CUDA libraries the Python environment
# does not bring itself. Nothing when gpu is off.
#
# CUDA libraries come from exactly one place. With NVIDIA's wheels in uv.lock
# (torch ≥ 2.1 and most GPU stacks) they are the wheels, found through the run
# paths autoPatchelf gave them, and nothing from nixpkgs is added. Without
# them, the `lib` outputs of nixpkgs' CUDA set are put in the image and on
# LD_LIBRARY_PATH, after the lib directories of locked wheels that ship CUDA
# libraries, so no nixpkgs library shadows a wheel's.
{
  lib,
  config,
  options,
  pkgs,
  cognix,
  ...
}:
let
  inherit (lib)
    mkOption
    mkDefault
    mkIf
    types
    literalExpression
    ;
  cfg = config.cuda;
  nixpkgsCuda = import ./nixpkgs.nix { inherit lib; };
  resolved = config.cog.config.cuda or null;
  versionParts = if cfg.version == null then [ ] else lib.splitString "." cfg.version;
  setName = "cudaPackages_${lib.concatStringsSep "_" (lib.take 2 versionParts)}";
  # nixpkgs drops old CUDA minors (their sets become throwing aliases). Within
  # a major, CUDA keeps minor-version compatibility, so the lowest newer minor
  # nixpkgs still has serves the model; the choice is reported as a warning.
  candidateNames =
    if builtins.length versionParts < 2 then
      [ setName ]
    else
      let
        major = builtins.elemAt versionParts 0;
        minor = lib.toInt (builtins.elemAt versionParts 1);
      in
      map (m: "cudaPackages_${major}_${toString m}") (lib.range minor (minor + 9));
  usable =
    lib.findFirst (c: c.set != null)
      {
        name = null;
        set = null;
      }
      (
        map (name: {
          inherit name;
          set = cognix.lookupPackage cfg.pkgs name;
        }) candidateNames
      );
  # Set by the user (any definition), not the default chosen here.
  packageSetIsUsers = options.cuda.packageSet.highestPrio < (lib.mkOptionDefault null).priority;

  # The lock's distributions, when there is a lock (lib only).
  hasLock = config.python.workspaceRoot or null != null;
  lockedNames = if hasLock then config.python.locked.packages else [ ];
  hasCudaWheels = lib.any (lib.hasPrefix "nvidia-") lockedNames;

  # Directories (relative to site-packages) where wheels keep CUDA libraries:
  # NVIDIA's CUDA 11/12 wheels (nvidia-cuda-runtime-cu12 → nvidia/cuda_runtime/lib)
  # and torch's own.
  wheelLibDirs =
    name:
    let
      m = builtins.match "nvidia-(.+)-cu1[12]" name;
    in
    if name == "torch" then
      [ "torch/lib" ]
    else if m != null then
      [ "nvidia/${lib.replaceStrings [ "-" ] [ "_" ] (builtins.head m)}/lib" ]
    else
      [ ];
  wheelLibraryPath = lib.concatMap (
    p: map (d: "${p.package}/${config.python.sitePackages}/${d}") (wheelLibDirs p.name)
  ) config.python.packages;

  # Triton finds libcuda with `/sbin/ldconfig -p` unless TRITON_LIBCUDA_PATH
  # names its directory, and the image has no ldconfig.
  driverEnvPath = "/sbin/cognix-cuda-env";
  driverEnv = ''
    #!/bin/sh
    # Points TRITON_LIBCUDA_PATH at the first directory the NVIDIA runtime
    # mounted the driver (libcuda.so.1) into, then runs the command.
    if [ -z "''${TRITON_LIBCUDA_PATH:-}" ]; then
      for d in ${lib.escapeShellArgs cfg.driverLibraryPath}; do
        if [ -e "$d/libcuda.so.1" ]; then
          TRITON_LIBCUDA_PATH=$d
          export TRITON_LIBCUDA_PATH
          break
        fi
      done
    fi
    exec "$@"
  '';
in
{
  options.cuda = {
    enable = mkOption {
      type = types.bool;
      default = config.cog.gpu && resolved != null;
      description = "Put the CUDA user space and NVIDIA environment in the image.";
      defaultText = literalExpression "cog.gpu && cog.config.cuda != null";
      example = true;
    };
    version = cognix.mkCognixJsonOption config "cuda.version" {
      type = types.nullOr types.str;
      description = "CUDA version (major.minor) resolved by `cognix generate`.";
      example = "12.8";
    };
    cudnn = cognix.mkCognixJsonOption config "cuda.cudnn" {
      type = types.nullOr types.str;
      description = "cuDNN major version resolved by `cognix generate`.";
      example = "9";
    };
    nixpkgsConfig = mkOption {
      # raw values: a config holds functions (allowUnfreePredicate).
      type = types.lazyAttrsOf types.raw;
      default = { };
      description = ''
        Your own nixpkgs config for the CUDA package set (`cuda.pkgs`), on top
        of which cognix sets `cudaSupport = true` and allows NVIDIA's licences
        (your `allowUnfreePredicate` still allows what it allowed).
      '';
      example = literalExpression ''{ cudaCapabilities = [ "8.9" ]; }'';
    };
    pkgs = mkOption {
      type = types.raw;
      default = nixpkgsCuda.instance {
        inherit pkgs;
        userConfig = cfg.nixpkgsConfig;
      };
      description = ''
        The package set CUDA libraries are taken from. nixpkgs refuses its CUDA
        packages unless imported with `cudaSupport` and NVIDIA's licences
        allowed, so by default this is `pkgs` imported again with that config
        (and `cuda.nixpkgsConfig`), or `pkgs` itself when it already has
        `cudaSupport`. The rest of the image still comes from `pkgs`.
      '';
      defaultText = literalExpression ''
        if pkgs.config.cudaSupport then pkgs
        else import pkgs.path { system = …; overlays = pkgs.overlays; config = cuda.nixpkgsConfig // { cudaSupport = true; allowUnfreePredicate = <nixpkgs' CUDA predicate>; }; }'';
      example = literalExpression "import nixpkgs { system = \"x86_64-linux\"; config = { cudaSupport = true; allowUnfree = true; }; }";
    };
    packageSet = mkOption {
      # raw: a nixpkgs scope is neither merged nor forced attribute by attribute.
      type = types.nullOr types.raw;
      default = usable.set;
      description = "The nixpkgs CUDA package set the libraries are taken from (null: none usable in `cuda.pkgs`).";
      defaultText = literalExpression "cuda.pkgs.\"cudaPackages_<major>_<minor>\" (or the next minor nixpkgs still has)";
      example = literalExpression "pkgs.cudaPackages_12_8";
    };
    libraries = mkOption {
      type = types.listOf types.str;
      default =
        if hasCudaWheels then
          [ ]
        else
          [
            "cuda_cudart"
            "libcublas"
            "libcufft"
            "libcurand"
            "libcusolver"
            "libcusparse"
            "cuda_nvrtc"
            "cudnn"
          ];
      description = ''
        Attributes of `cuda.packageSet` to install. Empty when uv.lock has
        NVIDIA's CUDA wheels (`nvidia-*`), which then are the only CUDA
        libraries in the image; otherwise the libraries of NVIDIA's
        `runtime-cudnn` images except NCCL (nixpkgs builds NCCL from source;
        add `"nccl"` to use it).
      '';
      defaultText = literalExpression ''if uv.lock has nvidia-* wheels then [ ] else [ "cuda_cudart" "libcublas" "libcufft" "libcurand" "libcusolver" "libcusparse" "cuda_nvrtc" "cudnn" ]'';
      example = [
        "cuda_cudart"
        "libcublas"
        "cudnn"
      ];
    };
    packages = mkOption {
      type = types.listOf types.package;
      default = map (n: lib.getLib cfg.packageSet.${n}) (
        builtins.filter (n: cfg.packageSet != null && cfg.packageSet ? ${n}) cfg.libraries
      );
      description = "The CUDA packages put in the image and on LD_LIBRARY_PATH.";
      defaultText = literalExpression "map (n: lib.getLib cuda.packageSet.\${n}) cuda.libraries";
    };
    driverLibraryPath = mkOption {
      type = types.listOf types.str;
      default = [
        "/usr/lib64"
        "/usr/lib/x86_64-linux-gnu"
        "/usr/local/nvidia/lib64"
        "/usr/local/nvidia/lib"
        "/usr/local/nvidia/bin"
      ];
      description = ''
        Where the NVIDIA runtime mounts the driver's libraries: `/usr/lib64`
        in images without `/etc/debian_version` (as cognix's),
        `/usr/lib/x86_64-linux-gnu` in Debian-based ones, `/usr/local/nvidia/*`
        with Kubernetes' device plugin. They end LD_LIBRARY_PATH, and the first
        one holding `libcuda.so.1` becomes TRITON_LIBCUDA_PATH when the
        container starts.
      '';
    };
    driverEnv = mkOption {
      type = types.str;
      readOnly = true;
      internal = true;
      default = driverEnv;
      description = "The start script at /sbin/cognix-cuda-env, run by tini before the image's command.";
    };
  };

  config = mkIf cfg.enable {
    warnings =
      lib.optional
        (cfg.libraries != [ ] && !packageSetIsUsers && usable.name != null && usable.name != setName)
        "cuda: this nixpkgs has no usable `${setName}`; using `${usable.name}` (same CUDA major, compatible with code built for ${toString cfg.version}). Set `cuda.packageSet` to choose another.";
    assertions = [
      {
        assertion = cfg.version != null;
        message = "cuda.version: gpu is on but cognix.json resolved no CUDA version; set `cuda.version`.";
      }
      {
        assertion = cfg.version == null || cfg.libraries == [ ] || cfg.packageSet != null;
        message = "cuda.packageSet: CUDA ${toString cfg.version} is not available in this nixpkgs (no usable `${setName}`); set `cuda.packageSet` to a CUDA package set.";
      }
    ]
    ++ map (n: {
      assertion = cfg.packageSet == null || cfg.packageSet ? ${n};
      message = "cuda.libraries: `${n}` is not in the CUDA ${toString cfg.version} package set.";
    }) cfg.libraries;

    image.contents = cfg.packages;
    image.extraRoot = [
      {
        path = driverEnvPath;
        type = "file";
        mode = "0555";
        content = driverEnv;
      }
    ];
    image.entrypoint = mkDefault (options.image.entrypoint.default ++ [ driverEnvPath ]);
    image.env = {
      NVIDIA_VISIBLE_DEVICES = mkDefault "all";
      NVIDIA_DRIVER_CAPABILITIES = mkDefault "all";
      NVIDIA_REQUIRE_CUDA = mkDefault "cuda>=${toString cfg.version}";
      CUDA_VERSION = mkDefault (toString cfg.version);
      LD_LIBRARY_PATH = mkDefault (
        lib.concatStringsSep ":" (
          lib.optionals (cfg.packages != [ ] && hasLock) wheelLibraryPath
          ++ map (p: "${lib.getLib p}/lib") cfg.packages
          ++ cfg.driverLibraryPath
        )
      );
    };
  };
}
