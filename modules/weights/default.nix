# Model weights: declared sets (from cognix.json `weights` and weights.lock.json),
# build-time sets as fixed-output store paths, run-time sets as a manifest plus
# a stdlib-only Python downloader. Evaluates with `lib` only; `pkgs` is forced
# only by the build-time derivations and the manifest file. The image gets
# the sets through its options: build-time ones linked at their targets, each
# in a layer of its own; run-time ones as the manifest and the downloader,
# which the server command runs behind.
{
  lib,
  config,
  pkgs ? null,
  cognix,
  ...
}:
let
  inherit (lib) mkOption mkDefault types;
  cfg = config.weights;
  weightsLib = cognix.weights;

  fileType = types.submodule {
    options = {
      path = mkOption {
        type = types.str;
        description = "Path of the file relative to the set's target (no `..`, not absolute).";
        example = "unet/diffusion_pytorch_model.safetensors";
      };
      size = mkOption {
        type = types.ints.unsigned;
        description = "Size in bytes.";
        example = 3438167536;
      };
      sha256 = mkOption {
        type = types.strMatching "[0-9a-f]{64}";
        description = "sha256 of the file's bytes, lowercase hex.";
      };
      urls = mkOption {
        type = types.listOf types.str;
        description = "Where the bytes can be fetched, most preferred first (a pushed bucket/registry copy, then the source).";
        example = [ "https://huggingface.co/org/repo/resolve/0123abc/model.safetensors" ];
      };
    };
  };

  setType = types.submodule (
    { name, ... }:
    {
      options = {
        name = mkOption {
          type = types.strMatching "[a-z0-9]+([._-][a-z0-9]+)*";
          default = name;
          description = "Name of the weight set (cog.yaml `weights[].name`).";
        };
        source = mkOption {
          type = types.str;
          description = "Source URI: hf://org/repo@rev[/dir], https://…, s3://bucket/key, gs://bucket/key, oci://host/repo:tag.";
          example = "hf://stabilityai/sdxl-turbo@462165984030d82259a11f4367a4eed129e94a7b";
        };
        target = mkOption {
          type = types.strMatching "/.*";
          description = "Absolute directory in the image where the set's files appear.";
          example = "/src/weights";
        };
        include = cognix.mkListOption types.str "Glob patterns of files to keep (empty: all).";
        exclude = cognix.mkListOption types.str "Glob patterns of files to drop.";
        mode = mkOption {
          type = types.enum [
            "build"
            "runtime"
          ];
          default = cfg.defaultMode;
          defaultText = lib.literalExpression "config.weights.defaultMode";
          description = ''
            `build`: fetched at build time into a fixed-output store path that
            becomes its own image layer(s). `runtime`: listed in the image's
            weights manifest and downloaded by the downloader before the server starts.
          '';
        };
        files =
          cognix.mkListOption fileType
            "Locked files of the set (normally filled from weights.lock.json by `weights.lockFile`).";
      };
    }
  );

  locked = if cfg.lockFile == null then { } else weightsLib.readLock cfg.lockFile;
  runtimeSets = lib.filterAttrs (_: s: s.mode == "runtime") cfg.sets;
  buildSets = lib.filterAttrs (_: s: s.mode == "build") cfg.sets;
  hasRuntime = runtimeSets != { };

  # The manifest and the downloader at their paths in the image: those under
  # /src go into the /src tree, the others are root filesystem files.
  imageFiles = lib.optionalAttrs hasRuntime {
    ${cfg.manifestPath} = cfg.runtimeManifest;
    ${cfg.downloaderPath} = cfg.downloader;
  };
  inSrc = p: lib.hasPrefix "/src/" p;
in
{
  options.weights = {
    declared = mkOption {
      type = types.listOf (
        types.submodule {
          options = {
            name = mkOption { type = types.str; };
            source = mkOption { type = types.str; };
            target = mkOption { type = types.str; };
            include = mkOption {
              type = types.listOf types.str;
              default = [ ];
            };
            exclude = mkOption {
              type = types.listOf types.str;
              default = [ ];
            };
          };
        }
      );
      default = [ ];
      description = "cognix.json `weights` entries, as written by `cognix generate`; each becomes `weights.sets.<name>`.";
      example = [
        {
          name = "sdxl";
          source = "hf://stabilityai/sdxl-turbo@4621659";
          target = "/src/weights";
        }
      ];
    };

    lockFile = mkOption {
      type = types.nullOr types.path;
      default = null;
      description = "weights.lock.json written by `cognix lock`; supplies each set's `files`.";
      example = lib.literalExpression "./weights.lock.json";
    };

    defaultMode = mkOption {
      type = types.enum [
        "build"
        "runtime"
      ];
      default = "build";
      description = "Mode of sets that do not set `mode`.";
    };

    sets = mkOption {
      type = types.attrsOf setType;
      default = { };
      description = "Weight sets by name.";
    };

    manifestPath =
      cognix.mkStrOption "/src/.cog/weights.json"
        "Where the image puts the run-time manifest.";

    downloaderPath =
      cognix.mkStrOption "/src/.cog/weights_downloader.py"
        "Where the image puts the run-time downloader (run with the image's python).";

    runtimeRoot =
      cognix.mkStrOption "/"
        "Directory prepended to run-time targets (a writable location); COGNIX_WEIGHTS_ROOT overrides it when the container starts.";

    # What the sets become (see INTERFACE.md).
    buildTimePaths = mkOption {
      type = types.listOf types.attrs;
      readOnly = true;
      default = lib.mapAttrsToList (_: s: {
        inherit (s) name;
        target = weightsLib.checkTarget "weights.sets.${s.name}" s.target;
        path = weightsLib.buildSet {
          inherit pkgs;
          set = s;
        };
      }) buildSets;
      defaultText = lib.literalExpression "one entry per set of mode build";
      description = "Build-time sets: [{ name; target; path; }], `path` a store path whose contents go at `target`, each in its own layer.";
    };
    runtimeManifestData = mkOption {
      type = types.attrs;
      readOnly = true;
      default = weightsLib.manifestOf (lib.attrValues runtimeSets);
      defaultText = lib.literalExpression "the sets of mode runtime, sorted";
      description = "The run-time manifest as a Nix value (lib-only evaluation).";
    };
    runtimeManifest = mkOption {
      type = types.nullOr types.package;
      readOnly = true;
      default =
        if hasRuntime then
          pkgs.writeText "cognix-weights-manifest.json" (builtins.toJSON cfg.runtimeManifestData)
        else
          null;
      defaultText = lib.literalExpression "weights.runtimeManifestData as a file, or null";
      description = "The run-time manifest file, or null when there are no run-time sets.";
    };
    downloader = mkOption {
      type = types.path;
      readOnly = true;
      default = cognix.weightsDownloader;
      defaultText = lib.literalExpression "lib/weights/downloader.py";
      description = "The stdlib-only Python downloader script.";
    };
    runtimeSetNames = mkOption {
      type = types.listOf types.str;
      readOnly = true;
      default = lib.attrNames runtimeSets;
      defaultText = lib.literalExpression "the names of the sets of mode runtime";
      description = "Names of the run-time sets (what push-weights should upload).";
    };
    hasRuntime = mkOption {
      type = types.bool;
      readOnly = true;
      default = hasRuntime;
      defaultText = lib.literalExpression "whether a set is of mode runtime";
      description = "Whether any set is downloaded at run time.";
    };
  };

  config = {
    weights.sets = lib.listToAttrs (
      map (
        d:
        lib.nameValuePair d.name {
          source = mkDefault d.source;
          target = mkDefault d.target;
          include = mkDefault d.include;
          exclude = mkDefault d.exclude;
          files = mkDefault (weightsLib.lockedFiles locked d);
        }
      ) cfg.declared
    );

    image = {
      ownLayers = map (w: w.path) cfg.buildTimePaths;
      extraRoot =
        map (w: {
          path = w.target;
          type = "symlink";
          target = "${w.path}";
        }) cfg.buildTimePaths
        ++ lib.mapAttrsToList (path: source: {
          inherit path;
          type = "file";
          mode = "0644";
          source = "${source}";
        }) (lib.filterAttrs (p: _: !(inSrc p)) imageFiles);
      srcFiles = lib.mapAttrs' (p: source: lib.nameValuePair (lib.removePrefix "/src/" p) source) (
        lib.filterAttrs (p: _: inSrc p) imageFiles
      );
      # The downloader fetches every run-time file, then runs the server.
      launcher = lib.optionals hasRuntime [
        "python"
        cfg.downloaderPath
        "--manifest"
        cfg.manifestPath
        "--"
      ];
      env = lib.mapAttrs (_: mkDefault) (
        lib.optionalAttrs hasRuntime {
          COGNIX_WEIGHTS_MANIFEST = cfg.manifestPath;
          COGNIX_WEIGHTS_DOWNLOADER = cfg.downloaderPath;
          COGNIX_WEIGHTS_ROOT = cfg.runtimeRoot;
        }
      );
      bom.weights =
        let
          buildPaths = lib.listToAttrs (map (w: lib.nameValuePair w.name "${w.path}") cfg.buildTimePaths);
        in
        lib.mapAttrsToList (
          name: s:
          {
            inherit name;
            inherit (s) source target mode;
            files = map (f: { inherit (f) path size sha256 urls; }) s.files;
          }
          // lib.optionalAttrs (buildPaths ? ${name}) { path = buildPaths.${name}; }
        ) cfg.sets;
    };
  };
}
