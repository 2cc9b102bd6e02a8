# cognix's own library, given to every module as the argument `cognix`
# (`specialArgs`): helpers, the Python and weights libraries, and the facts
# the TypeScript side reads too (lib/data). `lib` only.
{ lib }:
let
  dockerignore = import ./dockerignore.nix { inherit lib; };
  source = import ./source.nix { inherit lib dockerignore; };
  reservedEnvironment = (lib.importJSON ./data/reserved-environment.json).reserved;
  cognixSchema = lib.importJSON ../schemas/cognix.schema.json;
  # The one cognix.json format this cognix reads (the schema's, which `cognix generate` writes).
  formatVersion = cognixSchema.properties.formatVersion.const;
  # Where each cognix.json key takes effect. A key no part of cognix honours
  # is refused rather than silently dropped (a test checks this table against
  # the schema's properties).
  honouredBy = {
    formatVersion = "lib/internal.nix (readCognixJson)";
    source = "modules/cog (staleness of cognix.json: cog.yaml and the Python files the schema was read from)";
    python = "modules/python (version); requirements, indexes and options through pyproject.toml and uv.lock";
    gpu = "modules/cog, modules/cuda";
    cuda = "modules/cuda";
    torch = "pyproject.toml and uv.lock (the torch index and pins)";
    tensorflow = "pyproject.toml and uv.lock (the TensorFlow pins)";
    systemPackages = "modules/image (image.systemPackages)";
    run = "modules/cog (cog.run, the build.run step)";
    predict = "modules/cog (COG_PREDICT_TYPE_STUB)";
    train = "modules/cog (COG_TRAIN_TYPE_STUB)";
    concurrency = "modules/cog (COG_MAX_CONCURRENCY)";
    environment = "modules/cog (image environment)";
    weights = "modules/weights";
    cog = "pyproject.toml and uv.lock (the cog SDK pin); modules/cog (cog.sdkVersion without a lock)";
    image = "modules/image (the image name)";
    labels = "modules/cog (run.cog.config)";
    openapiSchema = "modules/cog (cog.openapiSchema: /src/.cog/openapi_schema.json and the run.cog.openapi_schema label)";
    warnings = "modules/cog (printed when the image is built)";
  };
in
{
  inherit dockerignore source;

  # Parse cognix.json, refusing files this code does not understand: the keys
  # it must have are the schema's `required` (one list for TS and Nix), and
  # every key must be one some part of cognix honours (`honouredBy`).
  readCognixJson =
    file:
    let
      name = toString file;
      data =
        if !(builtins.pathExists file) then
          throw "${name}: not found. Run `cognix generate` in the model directory first."
        else
          builtins.fromJSON (builtins.readFile file);
      missing = builtins.filter (k: !(data ? ${k})) cognixSchema.required;
      unknown = builtins.filter (k: !(honouredBy ? ${k})) (builtins.attrNames data);
    in
    if !builtins.isAttrs data then
      throw "${name}: expected a JSON object"
    else if (data.formatVersion or null) != formatVersion then
      throw "${name}: formatVersion ${builtins.toJSON (data.formatVersion or null)} is not supported (expected ${toString formatVersion}); regenerate it with this cognix."
    else if missing != [ ] then
      throw "${name}: missing key `${builtins.head missing}`; regenerate it with `cognix generate`."
    else if unknown != [ ] then
      throw "${name}: key `${builtins.head unknown}` is not one this cognix's modules honour (written by a newer cognix?); regenerate it with this cognix's `cognix generate`."
    else
      data;

  inherit honouredBy cognixSchema;

  # The entry of lib/data/reserved-environment.json that reserves `name` for
  # Cog ("PATH", or a prefix such as "CUDA_*"), or null.
  reservedBy =
    name:
    lib.findFirst (
      p: if lib.hasSuffix "*" p then lib.hasPrefix (lib.removeSuffix "*" p) name else p == name
    ) null reservedEnvironment;

  # `value`, once every assertion of `config` holds (else an error listing
  # the failed ones), with its warnings printed.
  checkAssertions =
    config: value:
    let
      failed = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
    in
    if failed != [ ] then
      throw "cognix: failed assertions:\n${lib.concatMapStringsSep "\n" (m: "- ${m}") failed}"
    else
      lib.foldr (w: x: builtins.trace "cognix: warning: ${w}" x) value config.warnings;

  # The Python library (lib/python) for the flake inputs it builds with, and
  # those inputs as flake.lock pins them.
  python = inputs: import ./python { inherit lib inputs; };
  pythonInputs = import ./python/inputs.nix { };
  buildRun = import ./python/build-run.nix { inherit lib; };

  weights = import ./weights/sets.nix { inherit lib; };
  weightsDownloader = ./weights/downloader.py;

  # { lib, pkgs, nodejs, typescript }: the image tool compiled from ts/.
  imageTool = import ./image-tool.nix;

  # Option kinds the modules declare many of, each said once.
  # A string with a plain default (a path in the image, a platform name).
  mkStrOption =
    default: description:
    lib.mkOption {
      type = lib.types.str;
      inherit default description;
    };

  # A list, empty unless the model or another module adds to it.
  mkListOption =
    elemType: description:
    lib.mkOption {
      type = lib.types.listOf elemType;
      default = [ ];
      inherit description;
    };

  # An option whose default is cognix.json's value at `key` ("cuda.version";
  # null when absent), shown in the docs as that key of `cog.config`.
  mkCognixJsonOption =
    config: key: declaration:
    lib.mkOption (
      {
        default = lib.attrByPath (lib.splitString "." key) null config.cog.config;
        defaultText = lib.literalExpression "cog.config.${key}";
      }
      // declaration
    );

  # "a.b.c" → pkgs.a.b.c, or null when absent (or throwing, as removed aliases do).
  lookupPackage =
    pkgs: attrPath:
    let
      path = lib.splitString "." attrPath;
      found = builtins.tryEval (lib.attrByPath path null pkgs);
    in
    if found.success then found.value else null;
}
