# cog.yaml semantics, read from the generated cognix.json (no YAML here, no
# import-from-derivation). Evaluation needs `lib` only; `pkgs` is forced only
# by the openapi schema derivation.
{ lib, config, pkgs, ... }:
let
  inherit (lib) mkOption mkDefault types literalExpression;
  cfg = config.cog;
  cognixLib = import ../../lib/internal.nix { inherit lib; };
  settings = cfg.config;

  # Names Cog refuses in cog.yaml `environment`.
  reservedExact = [ "PATH" "LD_LIBRARY_PATH" "PYTHONPATH" "VIRTUAL_ENV" "PYTHONUNBUFFERED" "LIBRARY_PATH" "HF_ENDPOINT" "HF_HUB_ENABLE_HF_TRANSFER" ];
  reservedPrefixes = [ "R8_" "REPLICATE_" "CUDA_" "NVIDIA_" "NV_" "PGET_" "KUBERNETES_" ];
  isReserved = n: builtins.elem n reservedExact || builtins.any (p: lib.hasPrefix p n) reservedPrefixes;

  cogYaml = cfg.src + "/${settings.source.cogYaml}";
  buildRun = import ../../lib/python/build-run.nix { inherit lib; };
  weightsLock = cfg.src + "/weights.lock.json";

  # The image's variables minus those that would point the build at image paths.
  buildEnv = removeAttrs config.image.env [ "PATH" "LD_LIBRARY_PATH" ];
in
{
  options.cog = {
    src = mkOption {
      type = types.path;
      description = "The model directory (where cog.yaml and cognix.json live). Becomes /src in the image.";
      example = literalExpression "./.";
    };
    cognixJson = mkOption {
      type = types.path;
      description = "The cognix.json written by `cognix generate` for this model.";
      defaultText = literalExpression "cog.src + \"/cognix.json\"";
      example = literalExpression "./cognix.json";
    };
    config = mkOption {
      type = types.attrsOf types.anything;
      description = "The parsed cognix.json. Other options take their defaults from it.";
      defaultText = literalExpression "builtins.fromJSON (builtins.readFile cog.cognixJson)";
    };
    predict = mkOption {
      type = types.nullOr types.str;
      description = "Predictor reference (`file.py:Class`), exported as COG_PREDICT_TYPE_STUB.";
      defaultText = literalExpression "cog.config.predict";
      example = "predict.py:Predictor";
    };
    train = mkOption {
      type = types.nullOr types.str;
      description = "Trainer reference (`file.py:function`), exported as COG_TRAIN_TYPE_STUB.";
      defaultText = literalExpression "cog.config.train";
      example = "train.py:train";
    };
    concurrency = mkOption {
      type = types.ints.positive;
      description = "Maximum concurrent predictions, exported as COG_MAX_CONCURRENCY.";
      defaultText = literalExpression "cog.config.concurrency.max";
      example = 4;
    };
    environment = mkOption {
      type = types.attrsOf types.str;
      description = "cog.yaml `environment`: variables set in the image. Names Cog reserves are rejected.";
      defaultText = literalExpression "cog.config.environment";
      example = { HF_HOME = "/src/.hf"; };
    };
    gpu = mkOption {
      type = types.bool;
      description = "cog.yaml `build.gpu`: add the CUDA user space and NVIDIA environment.";
      defaultText = literalExpression "cog.config.gpu";
      example = true;
    };
    sdkVersion = mkOption {
      type = types.str;
      description = "Version of the cog Python SDK in the environment.";
      defaultText = literalExpression "cog.config.cog.sdkVersion";
      example = "0.16.8";
    };
    version = mkOption {
      type = types.str;
      description = "Value of the `run.cog.version` label (the Cog version the image is compatible with).";
      defaultText = literalExpression "cog.sdkVersion";
      example = "0.16.8";
    };
    configLabel = mkOption {
      type = types.str;
      description = "Value of the `run.cog.config` label: the completed cog.yaml as JSON, as Cog writes it.";
      defaultText = literalExpression "cog.config.labels.\"run.cog.config\"";
    };
    revision = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "Source revision for `org.opencontainers.image.revision` (the flake's `self.rev` or `self.dirtyRev`). Null leaves the label out.";
      example = "5e1f0c2d9b1a4e7f8c3d2b1a0f9e8d7c6b5a4f3e";
    };
    ignore = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Extra .dockerignore patterns applied after the model's own .dockerignore.";
      example = [ "notebooks/" "*.ckpt" ];
    };
    source = mkOption {
      type = types.path;
      description = "The model directory filtered as Cog's `COPY . /src` would copy it.";
      defaultText = literalExpression "cog.src filtered by .dockerignore, without .git, .cog/ and result* symlinks";
    };
    run = mkOption {
      type = types.listOf (types.either types.str (types.attrsOf types.anything));
      description = ''
        cog.yaml `build.run` commands, in order. Each runs in the build, in a
        copy of `cog.source` (the future /src) with the Python environment,
        `image.systemPackages` and `image.coreutils` on PATH and no network;
        the tree they leave becomes /src.
      '';
      defaultText = literalExpression "cog.config.run";
      example = [ "python make_assets.py" ];
    };
    builtSource = mkOption {
      type = types.path;
      readOnly = true;
      description = "What becomes /src: `cog.source` after the `cog.run` commands.";
    };
    openapiSchema = mkOption {
      type = types.package;
      description = ''
        A derivation whose output is the predictor's OpenAPI schema (JSON), produced
        during the build by running `python -m cog.command.openapi_schema` in the
        model's environment with the model directory as working directory.
      '';
      defaultText = literalExpression "pkgs.runCommand \"openapi-schema.json\" { } \"cd \${cog.source}; \${python.venv}/bin/python -m cog.command.openapi_schema > $out\"";
    };
  };

  config = {
    cog.cognixJson = mkDefault (cfg.src + "/cognix.json");
    cog.config = mkDefault (cognixLib.readCognixJson cfg.cognixJson);
    cog.predict = mkDefault settings.predict;
    cog.train = mkDefault settings.train;
    cog.concurrency = mkDefault settings.concurrency.max;
    cog.environment = lib.mapAttrs (_: mkDefault) settings.environment;
    cog.gpu = mkDefault settings.gpu;
    cog.sdkVersion = mkDefault settings.cog.sdkVersion;
    cog.version = mkDefault cfg.sdkVersion;
    cog.configLabel = mkDefault settings.labels."run.cog.config";
    cog.source = mkDefault (cognixLib.source.filter {
      src = cfg.src;
      patterns = cognixLib.source.patternsFor { inherit (cfg) src; extraPatterns = cfg.ignore; };
    });

    cog.run = mkDefault (settings.run or [ ]);
    cog.builtSource =
      if cfg.run == [ ] then
        cfg.source
      else
        "${buildRun {
          system = pkgs.stdenv.hostPlatform.system;
          commands = cfg.run;
          src = cfg.source;
          shell = pkgs.runtimeShell;
          tools = [ config.python.venv ] ++ config.image.systemPackages ++ [ config.image.coreutils ];
          env = buildEnv;
        }}/src";

    cog.openapiSchema = mkDefault (pkgs.runCommand "openapi-schema.json" { } ''
        export HOME="$TMPDIR" PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
        ${lib.concatStrings (lib.mapAttrsToList (n: v: "export ${lib.escapeShellArg n}=${lib.escapeShellArg v}\n") buildEnv)}
        cd ${cfg.builtSource}
        ${config.python.venv}/bin/python -m cog.command.openapi_schema > "$out"
      '');

    weights.declared = mkDefault (settings.weights or [ ]);
    weights.lockFile = mkDefault (if builtins.pathExists weightsLock then weightsLock else null);

    image.labels = {
      "run.cog.config" = mkDefault cfg.configLabel;
      "run.cog.version" = mkDefault cfg.version;
      "run.cog.has_init" = mkDefault "true";
      "run.cog.pip_freeze" = mkDefault config.python.pipFreeze;
    } // lib.optionalAttrs (cfg.revision != null) {
      "org.opencontainers.image.revision" = mkDefault cfg.revision;
    };

    image.env = lib.mapAttrs (_: mkDefault) (
      cfg.environment
      // lib.optionalAttrs (cfg.predict != null) { COG_PREDICT_TYPE_STUB = cfg.predict; }
      // lib.optionalAttrs (cfg.train != null) { COG_TRAIN_TYPE_STUB = cfg.train; }
      // { COG_MAX_CONCURRENCY = toString cfg.concurrency; }
    );

    warnings = map (w: "${toString cfg.cognixJson}: ${w}") (settings.warnings or [ ]);

    assertions =
      (map
        (n: {
          assertion = !(isReserved n);
          message = "cog.environment.${n}: ${n} is reserved by Cog and cannot be set in `environment`.";
        })
        (builtins.attrNames cfg.environment))
      ++ [
        {
          assertion = !(builtins.pathExists cogYaml)
            || builtins.hashFile "sha256" cogYaml == settings.source.cogYamlSha256;
          message = "${toString cfg.cognixJson} is stale: ${settings.source.cogYaml} changed since it was generated. Run `cognix generate` again.";
        }
      ];
  };
}
