# Python environment of a Cog image, built from uv.lock with uv2nix.
#
# Evaluation needs `lib` only: the lock is parsed, checked (hashes, Python
# version, freshness against pyproject.toml) and resolved for the target
# interpreter without touching `pkgs`.
# `pkgs` is forced only when `python.venv`/`python.interpreter` are built.
# The image gets the environment through its options: the venv in its
# closure and first on PATH, `python.env`, the writable site-packages
# directories, and the locked distributions for the SBOM.
{
  lib,
  config,
  pkgs,
  cognix,
  ...
}:
let
  inherit (lib) mkOption mkDefault types;
  cfg = config.python;
  cogConfig = lib.attrByPath [ "cog" "config" ] null config;
  modelSrc = lib.attrByPath [ "cog" "src" ] null config;
  # The model directory's own file, when it has one.
  inModel =
    name:
    if modelSrc != null && builtins.pathExists (modelSrc + "/${name}") then
      modelSrc + "/${name}"
    else
      null;

  pyLib = cognix.python cfg.inputs;

  minorOf = v: lib.concatStringsSep "." (lib.take 2 (lib.splitString "." v));

  loaded =
    if !sameDir then
      throw "cognix: python.pyproject (${toString cfg.pyproject}) and python.uvLock (${toString cfg.uvLock}) must be in the same directory."
    else if cfg.workspaceRoot == null then
      throw "cognix: python.uvLock is not set; run `cognix lock` and point python.uvLock at the uv.lock it writes."
    else
      pyLib.load {
        inherit (cfg) workspaceRoot system dependencies;
        checkFresh = cfg.checkLockFresh;
        pythonVersion = cfg.version;
      };

  built = pyLib.mkVenv {
    inherit pkgs loaded;
    python = cfg.interpreter;
    extraOverlays = cfg.overrides;
  };

  sameDir =
    cfg.uvLock == null
    || cfg.pyproject == null
    || dirOf (toString cfg.uvLock) == dirOf (toString cfg.pyproject);

  # Where `pip install` writes at run time, and each directory above it.
  writableDirs =
    let
      segs = lib.filter (x: x != "") (lib.splitString "/" cfg.writableSitePackages);
    in
    lib.genList (i: {
      path = "/" + lib.concatStringsSep "/" (lib.take (i + 1) segs);
      type = "dir";
      mode = "0755";
    }) (builtins.length segs);

  # The locked distributions; none for an environment given without a lock.
  lockedPackages =
    let
      r = builtins.tryEval (builtins.seq (builtins.length cfg.packages) cfg.packages);
    in
    if r.success then r.value else [ ];
in
{
  options.python = {
    inputs = mkOption {
      type = types.attrsOf types.unspecified;
      default = cognix.pythonInputs;
      defaultText = lib.literalExpression "inputs locked in cognix's flake.lock";
      description = "Flake inputs pyproject-nix, uv2nix and pyproject-build-systems (anything with an outPath).";
    };
    version = mkOption {
      type = types.strMatching "3\\.[0-9]+(\\.[0-9]+)?";
      default =
        if cogConfig != null then
          cogConfig.python.version
        else
          throw "cognix: python.version is not set (no cog.config loaded).";
      defaultText = lib.literalExpression "config.cog.config.python.version";
      description = "Python version the environment is resolved for (minor or minor.patch).";
    };
    system = cognix.mkStrOption "x86_64-linux" "Platform wheels are chosen for.";
    uvLock = mkOption {
      type = types.nullOr types.path;
      default = inModel "uv.lock";
      defaultText = lib.literalExpression "cog.src + \"/uv.lock\" when it exists";
      description = "uv.lock of the model (written by `cognix lock`).";
    };
    pyproject = mkOption {
      type = types.nullOr types.path;
      default = inModel "pyproject.toml";
      defaultText = lib.literalExpression "cog.src + \"/pyproject.toml\" when it exists";
      description = "pyproject.toml matching uvLock (written by `cognix generate`); must sit next to uv.lock.";
    };
    workspaceRoot = mkOption {
      type = types.nullOr types.path;
      default = if cfg.uvLock == null then null else dirOf cfg.uvLock;
      defaultText = lib.literalExpression "dirOf config.python.uvLock";
      description = "Directory holding pyproject.toml and uv.lock.";
    };
    checkLockFresh = mkOption {
      type = types.bool;
      default = true;
      description = "Refuse a uv.lock whose recorded requirements differ from pyproject.toml's (names, versions, URLs, indexes, extras).";
    };
    dependencies = mkOption {
      type = types.nullOr (types.attrsOf (types.listOf types.str));
      default = null;
      example = lib.literalExpression ''{ cog-model = [ "cpu" ]; }'';
      description = "Extras/dependency groups to install, per project in the lock; null for the project's default dependencies.";
    };
    interpreter = mkOption {
      type = types.package;
      default =
        let
          attr = "python3${lib.replaceStrings [ "." ] [ "" ] (lib.removePrefix "3." (minorOf cfg.version))}";
          found = cognix.lookupPackage pkgs attr;
        in
        if found != null then
          found
        else
          throw "cognix: python.interpreter: Python ${minorOf cfg.version} is not in this nixpkgs (no usable `pkgs.${attr}`); use a newer build.python_version in cog.yaml, or set `python.interpreter` to a Python package.";
      defaultText = lib.literalExpression "pkgs.python3XY for python.version";
      description = "Python interpreter the environment is built for.";
    };
    overrides = mkOption {
      # lazyAttrsOf raw: an overlay's values stay unevaluated (they read `prev`).
      type = types.listOf (types.functionTo (types.functionTo (types.lazyAttrsOf types.raw)));
      default = [ ];
      description = "pyproject.nix overlays (final: prev: { ... }) applied after cognix's own overrides (lib/python/overrides).";
    };
    venv = mkOption {
      type = types.package;
      default = built.venv;
      defaultText = lib.literalExpression "virtualenv built from uv.lock";
      description = "The virtual environment (bin/python, bin/pip, site-packages).";
    };
    pipFreeze = mkOption {
      type = types.str;
      default = loaded.pipFreeze;
      defaultText = lib.literalExpression "computed from uv.lock";
      description = "Content of the run.cog.pip_freeze label, computed from the lock.";
    };
    packages = mkOption {
      # raw: entries stay lazy, so listing names never forces pkgs.
      type = types.listOf types.raw;
      readOnly = true;
      default =
        map (name: {
          inherit name;
          version = loaded.versions.${name};
          # Each distribution is its own store path, hence its own image layer.
          package = built.set.${name};
        }) loaded.packages
        ++ lib.optional loaded.addsPip {
          name = "pip";
          # Not in the lock: build-system-pkgs' pip, version known once pkgs is.
          version = null;
          package = built.set.pip;
        };
      defaultText = lib.literalExpression "one entry per locked distribution";
      description = "Locked distributions in the environment: { name, version, package } (package forces pkgs).";
    };
    locked = mkOption {
      type = types.attrsOf types.unspecified;
      readOnly = true;
      default = {
        inherit (loaded) packages versions dependencies;
        overridden = pyLib.overrides.appliesTo loaded.packages;
      };
      description = "What the lock resolved to for this interpreter, evaluated with lib only.";
    };
    sitePackages = mkOption {
      type = types.str;
      readOnly = true;
      default = "lib/python${minorOf cfg.version}/site-packages";
      description = "site-packages directory relative to the venv.";
    };
    writableSitePackages =
      cognix.mkStrOption "/var/lib/cognix/site-packages"
        "Writable directory ahead of the store's site-packages, where `pip install` (e.g. Replicate's `pip install cog==X` at start) installs.";
    env = mkOption {
      type = types.attrsOf types.str;
      readOnly = true;
      default = {
        VIRTUAL_ENV = "${cfg.venv}";
        PYTHONPATH = cfg.writableSitePackages;
        PIP_TARGET = cfg.writableSitePackages;
        PIP_DISABLE_PIP_VERSION_CHECK = "1";
        PYTHONUNBUFFERED = "1";
      };
      description = "Environment variables the image must set for the Python environment.";
    };
  };

  config.image = {
    contents = [ cfg.venv ];
    path = lib.mkBefore [ "${cfg.venv}/bin" ];
    env = lib.mapAttrs (_: mkDefault) cfg.env;
    extraRoot = writableDirs;
    bom.python = lockedPackages;
    bom.roots = [ cfg.interpreter ];
  };
}
