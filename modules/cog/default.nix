# cog.yaml semantics, read from the generated cognix.json (no YAML here, no
# import-from-derivation). Evaluation needs `lib` only; `pkgs` is forced only
# by the derivations (the openapi schema file, build.run). What the image
# gets from here it gets through the image's options: /src, the schema in
# /src/.cog and its label, Cog's labels and environment variables.
{
  lib,
  config,
  pkgs,
  cognix,
  ...
}:
let
  inherit (lib)
    mkOption
    mkDefault
    types
    literalExpression
    ;
  cfg = config.cog;
  settings = cfg.config;

  cogYaml = cfg.src + "/${settings.source.cogYaml}";
  weightsLock = cfg.src + "/weights.lock.json";

  # The image's variables minus those that would point the build at image paths.
  buildEnv = removeAttrs config.image.env [
    "PATH"
    "LD_LIBRARY_PATH"
  ];

  # The SDK uv.lock installs; without a lock, the one cognix.json pins.
  lockedSdk =
    if config.python.uvLock != null then
      config.python.locked.versions.cog
        or (throw "cognix: ${toString config.python.uvLock} has no cog package; run `cognix lock` again.")
    else if settings.cog.sdkVersion != null then
      settings.cog.sdkVersion
    else
      throw "cognix: the cog SDK version is known once the model is locked; run `cognix lock` (or set cog.sdkVersion).";

  # MAJOR.MINOR.PATCH, as Cog compares SDK versions (pre-release suffixes ignored).
  sdkRelease =
    v:
    let
      m = builtins.match "([0-9]+(\\.[0-9]+)?(\\.[0-9]+)?).*" v;
    in
    if m == null then v else builtins.head m;

  # What the schema's info.version says: coglet's SDKs take the Cog version
  # (as Cog writes its own), the Python server of older SDKs wrote "0.1.0".
  schemaVersion = if cfg.server == "legacy" then "0.1.0" else cfg.version;

  # The document cognix.json holds, with info.version, as canonical JSON. Node
  # reads it from the file: Nix would round floats when writing JSON.
  writeSchema = builtins.toFile "write-openapi-schema.mjs" ''
    import { readFileSync, writeFileSync } from "node:fs";
    const [cognixJson, version, out] = process.argv.slice(2);
    const sorted = (v) => Array.isArray(v) ? v.map(sorted)
      : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]))
      : v;
    const doc = JSON.parse(readFileSync(cognixJson, "utf8")).openapiSchema;
    doc.info = { ...doc.info, version };
    writeFileSync(out, JSON.stringify(sorted(doc), null, 2) + "\n");
  '';

  pythonFiles = settings.source.pythonFiles or [ ];
  pythonFileFresh =
    f:
    let
      file = cfg.src + "/${f.path}";
    in
    if f.sha256 == null then
      !(builtins.pathExists file)
    else
      builtins.pathExists file && builtins.hashFile "sha256" file == f.sha256;
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
      default = cfg.src + "/cognix.json";
      description = "The cognix.json written by `cognix generate` for this model.";
      defaultText = literalExpression "cog.src + \"/cognix.json\"";
      example = literalExpression "./cognix.json";
    };
    config = mkOption {
      type = types.attrsOf types.anything;
      default = cognix.readCognixJson cfg.cognixJson;
      description = "The parsed cognix.json. Other options take their defaults from it.";
      defaultText = literalExpression "builtins.fromJSON (builtins.readFile cog.cognixJson)";
    };
    predict = cognix.mkCognixJsonOption config "predict" {
      type = types.nullOr types.str;
      description = "Predictor reference (`file.py:Class`), exported as COG_PREDICT_TYPE_STUB.";
      example = "predict.py:Predictor";
    };
    train = cognix.mkCognixJsonOption config "train" {
      type = types.nullOr types.str;
      description = "Trainer reference (`file.py:function`), exported as COG_TRAIN_TYPE_STUB.";
      example = "train.py:train";
    };
    concurrency = cognix.mkCognixJsonOption config "concurrency.max" {
      type = types.ints.positive;
      description = "Maximum concurrent predictions, exported as COG_MAX_CONCURRENCY.";
      example = 4;
    };
    environment = mkOption {
      type = types.attrsOf types.str;
      description = "cog.yaml `environment`: variables set in the image. Names Cog reserves are rejected.";
      defaultText = literalExpression "cog.config.environment";
      example = {
        HF_HOME = "/src/.hf";
      };
    };
    gpu = mkOption {
      type = types.bool;
      default = settings.gpu;
      description = "cog.yaml `build.gpu`: add the CUDA user space and NVIDIA environment.";
      defaultText = literalExpression "cog.config.gpu";
      example = true;
    };
    sdkVersion = mkOption {
      type = types.str;
      default = lockedSdk;
      description = ''
        Version of the cog Python SDK in the environment: the one uv.lock
        installs (without a lock, the one cognix.json pins).
      '';
      defaultText = literalExpression "python.locked.versions.cog";
      example = "0.23.1";
    };
    server = mkOption {
      type = types.enum [
        "coglet"
        "legacy"
      ];
      readOnly = true;
      default =
        if builtins.compareVersions (sdkRelease cfg.sdkVersion) "0.17.0" < 0 then "legacy" else "coglet";
      defaultText = literalExpression "\"coglet\" from cog.sdkVersion 0.17.0, \"legacy\" below";
      description = ''
        What serves predictions, as `python -m cog.server.http` starts it:
        coglet (cog SDK 0.17 and later; it reads /src/.cog/openapi_schema.json
        and COG_PREDICT_TYPE_STUB) or the SDK's own Python server.
      '';
    };
    version = mkOption {
      type = types.str;
      default = cfg.sdkVersion;
      description = ''
        Value of the `run.cog.version` label (the Cog version the image is
        compatible with), and the schema's `info.version` for an SDK served
        by coglet.
      '';
      defaultText = literalExpression "cog.sdkVersion";
      example = "0.23.1";
    };
    configLabel = mkOption {
      type = types.str;
      default = settings.labels."run.cog.config";
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
      example = [
        "notebooks/"
        "*.ckpt"
      ];
    };
    source = mkOption {
      type = types.path;
      default = cognix.source.filter {
        src = cfg.src;
        patterns = cognix.source.patternsFor {
          inherit (cfg) src;
          extraPatterns = cfg.ignore;
        };
      };
      description = "The model directory filtered as Cog's `COPY . /src` would copy it.";
      defaultText = literalExpression "cog.src filtered by .dockerignore, without .git, .cog/ and result* symlinks";
    };
    run = mkOption {
      type = types.listOf (types.either types.str (types.attrsOf types.anything));
      default = settings.run or [ ];
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
      default =
        if cfg.run == [ ] then
          cfg.source
        else
          "${
            cognix.buildRun {
              system = pkgs.stdenv.hostPlatform.system;
              commands = cfg.run;
              src = cfg.source;
              shell = pkgs.runtimeShell;
              tools = [ config.python.venv ] ++ config.image.systemPackages ++ [ config.image.coreutils ];
              env = buildEnv;
            }
          }/src";
      defaultText = literalExpression "cog.source after the cog.run commands";
      description = "What becomes /src: `cog.source` after the `cog.run` commands.";
    };
    openapiSchema = mkOption {
      type = types.package;
      default =
        if (settings.openapiSchema or null) == null then
          throw "cognix: ${toString cfg.cognixJson} has no OpenAPI schema: cog.yaml names neither predict nor train, and Cog builds no image without one."
        else
          pkgs.runCommand "openapi-schema.json" { } ''
            ${config.image.nodejs}/bin/node ${writeSchema} ${
              builtins.path {
                path = cfg.cognixJson;
                name = "cognix.json";
              }
            } ${lib.escapeShellArg schemaVersion} "$out"
          '';
      description = ''
        A derivation whose output is the predictor's OpenAPI schema (JSON): the
        document `cognix generate` read statically from predict.py (and
        train.py) into cognix.json, with `info.version` set (`cog.version`
        for coglet, "0.1.0" for the legacy server). No Python runs for it.
        The image has it as /src/.cog/openapi_schema.json and in the
        `run.cog.openapi_schema` label.
      '';
      defaultText = literalExpression "cog.config.openapiSchema with info.version, as canonical JSON";
    };
  };

  config = {
    cog.environment = lib.mapAttrs (_: mkDefault) settings.environment;

    weights.declared = mkDefault (settings.weights or [ ]);
    weights.lockFile = mkDefault (if builtins.pathExists weightsLock then weightsLock else null);

    image.src = cfg.builtSource;
    image.srcFiles.".cog/openapi_schema.json" = cfg.openapiSchema;
    image.jsonLabels."run.cog.openapi_schema" = cfg.openapiSchema;

    image.labels =
      {
        "run.cog.config" = mkDefault cfg.configLabel;
        "run.cog.version" = mkDefault cfg.version;
        "run.cog.has_init" = mkDefault "true";
        "run.cog.pip_freeze" = mkDefault config.python.pipFreeze;
      }
      // lib.optionalAttrs (cfg.revision != null) {
        "org.opencontainers.image.revision" = mkDefault cfg.revision;
      };

    image.env = lib.mapAttrs (_: mkDefault) (
      cfg.environment
      // lib.optionalAttrs (cfg.predict != null) { COG_PREDICT_TYPE_STUB = cfg.predict; }
      // lib.optionalAttrs (cfg.train != null) { COG_TRAIN_TYPE_STUB = cfg.train; }
      // {
        COG_MAX_CONCURRENCY = toString cfg.concurrency;
      }
    );

    warnings = map (w: "${toString cfg.cognixJson}: ${w}") (settings.warnings or [ ]);

    assertions =
      (map (n: {
        assertion = cognix.reservedBy n == null;
        message = "cog.environment.${n}: ${n} is reserved by Cog and cannot be set in `environment`.";
      }) (builtins.attrNames cfg.environment))
      ++ [
        {
          assertion =
            !(builtins.pathExists cogYaml) || builtins.hashFile "sha256" cogYaml == settings.source.cogYamlSha256;
          message = "${toString cfg.cognixJson} is stale: ${settings.source.cogYaml} changed since it was generated. Run `cognix generate` again.";
        }
      ]
      # The schema in cognix.json was read from these files.
      ++ map (f: {
        assertion = pythonFileFresh f;
        message = "${toString cfg.cognixJson} is stale: ${f.path} ${
          if f.sha256 == null then
            "appeared"
          else if builtins.pathExists (cfg.src + "/${f.path}") then
            "changed"
          else
            "disappeared"
        } since the OpenAPI schema was read. Run `cognix generate` again.";
      }) pythonFiles;
  };
}
