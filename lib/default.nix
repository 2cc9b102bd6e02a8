# cognix's Nix library. Needs `lib` (nixpkgs-lib) only; package sets are
# arguments and are forced only when an image is built.
{
  lib,
  # Flake inputs the python module builds with (pyproject-nix, uv2nix, ...);
  # null reads them from flake.lock.
  pythonInputs ? null,
}:
let
  # The module argument `cognix`: cognix's own library.
  cognix = import ./internal.nix { inherit lib; };
  baseModules =
    import ../modules
    ++ lib.optional (pythonInputs != null) { python.inputs = lib.mkDefault pythonInputs; };

  # Evaluate the module system for one model.
  # `nixpkgsConfig` is the user's nixpkgs config for the CUDA package set;
  # `cudaPkgs` replaces that package set (see modules/cuda).
  evalCog =
    {
      pkgs,
      src,
      modules ? [ ],
      cognixJson ? null,
      rev ? null,
      nixpkgsConfig ? { },
      cudaPkgs ? null,
    }:
    lib.evalModules {
      modules =
        baseModules
        ++ [
          (
            { lib, ... }:
            {
              cog.src = src;
              cog.cognixJson = lib.mkIf (cognixJson != null) cognixJson;
              cog.revision = lib.mkIf (rev != null) rev;
              cuda.nixpkgsConfig = lib.mkIf (nixpkgsConfig != { }) nixpkgsConfig;
              cuda.pkgs = lib.mkIf (cudaPkgs != null) cudaPkgs;
            }
          )
        ]
        ++ modules;
      specialArgs = { inherit pkgs cognix; };
    };

  # The image of one model: a derivation whose output is an executable
  # (`./result load | oci DIR | push REF`). Evaluating its attributes needs no
  # package set; only building it (drvPath/outPath) does. The output is the
  # executable itself, not a bin/ directory, so `nix run` goes through an app
  # (cognixFlake's `apps`) rather than `meta.mainProgram`.
  mkCogImage =
    args:
    let
      evaluated = evalCog (
        removeAttrs args [
          "system"
          "weightsLock"
        ]
      );
      cfg = evaluated.config;
      # `nix run .#<model>.push-weights`: the lock path is a string relative
      # to where `nix run` starts (the file is rewritten, so not a store path).
      pushWeights = import ./weights/push-app.nix {
        inherit (args) pkgs;
        cognixTool = cfg.image.tool;
        manifest = args.weightsLock or "weights.lock.json";
        sets = if cfg.weights.runtimeSetNames == [ ] then null else cfg.weights.runtimeSetNames;
      };
    in
    lib.lazyDerivation {
      derivation = cfg.image.package;
      meta.description = "Cog image ${cfg.image.name}: ./result load | docker load";
      passthru = {
        # Known without building, so `nix flake show` needs no package set.
        inherit (cfg.image) name;
        system = args.system or args.pkgs.stdenv.hostPlatform.system;
        inherit (evaluated) config options;
        inherit (cfg.image) spec tool;
        openapiSchema = cfg.cog.openapiSchema;
        push-weights = pushWeights;
        passthru = {
          inherit (evaluated) config options;
          inherit (cfg.image) spec tool;
        };
      };
    };

  # Flake outputs for one model or several, from a consumer's flake:
  #   cognix.lib.cognixFlake { inherit self nixpkgs; models.default = ./.; }
  # A model is a path or { src; modules ? [ ]; cognixJson ? null; }.
  # `nixpkgsConfig` configures the nixpkgs instances (the CUDA one gets
  # cudaSupport and NVIDIA's licences on top); without it the CPU packages
  # come from `legacyPackages`, as the public binary cache has them.
  cognixFlake =
    {
      nixpkgs,
      self ? { },
      src ? null,
      models ? (if src == null then { } else { default = src; }),
      modules ? [ ],
      systems ? [ "x86_64-linux" ],
      nixpkgsConfig ? { },
    }:
    let
      rev = self.rev or self.dirtyRev or null;
      # A model's directory relative to the flake root, for files that
      # commands run from there rewrite (weights.lock.json).
      relativeToFlake =
        src:
        let
          root = toString (self.outPath or "");
          s = toString src;
        in
        if root != "" && lib.hasPrefix "${root}/" s then lib.removePrefix "${root}/" s + "/" else "";
      normalise = m: if builtins.isAttrs m && m ? src then m else { src = m; };
      forSystem =
        system:
        let
          pkgs =
            if nixpkgsConfig == { } then
              nixpkgs.legacyPackages.${system}
            else
              import nixpkgs {
                inherit system;
                config = nixpkgsConfig;
              };
          images = lib.mapAttrs (
            _: m:
            let
              n = normalise m;
            in
            mkCogImage {
              inherit
                pkgs
                rev
                system
                nixpkgsConfig
                ;
              inherit (n) src;
              modules = modules ++ (n.modules or [ ]);
              cognixJson = n.cognixJson or null;
              weightsLock = "${relativeToFlake n.src}weights.lock.json";
            }
          ) models;
          names = builtins.attrNames images;
        in
        images
        // lib.optionalAttrs (!(images ? default) && builtins.length names == 1) {
          default = images.${builtins.head names};
        };
      packages = lib.genAttrs systems forSystem;
    in
    {
      inherit packages;
      apps = lib.mapAttrs (
        _:
        lib.mapAttrs (
          _: image: {
            type = "app";
            program = "${image}";
            meta.description = image.meta.description;
          }
        )
      ) packages;
    };

  # Option documentation from the modules alone (no model, no package set).
  optionsDoc = import ./options-doc.nix { inherit lib cognix baseModules; };
in
{
  inherit
    evalCog
    mkCogImage
    cognixFlake
    baseModules
    ;
  inherit (cognix) dockerignore readCognixJson;
  inherit (optionsDoc) optionsList optionsMarkdown;
}
