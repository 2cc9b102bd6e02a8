# Evaluates modules/weights with lib only and a package set that records what
# it is asked for, so the tests can check the derivations' attributes and
# what the module puts in the image.
{
  lockFile ? ./fixtures/weights.lock.json,
  declared ? [
    {
      name = "base";
      source = "hf://acme/base@0123456789abcdef0123456789abcdef01234567";
      target = "/src/weights";
      exclude = [ "*.md" ];
    }
    {
      name = "lora";
      source = "https://example.com/lora.bin";
      target = "/src/lora";
    }
  ],
  extra ? { },
}:
let
  lib = (import ../../tests/inputs.nix).lib;
  fake =
    name: attrs:
    attrs
    // {
      type = "derivation";
      inherit name;
      outPath = "/nix/store/00000000000000000000000000000000-${name}";
    };
  recordingPkgs = {
    fetchurl = args: fake args.name { fetchurlArgs = args; };
    runCommand = name: env: script: fake name { inherit env script; };
    writeText = name: text: fake name { inherit text; };
  };
  ev = import ../../tests/module-eval.nix {
    inherit lib;
    pkgs = recordingPkgs;
    modules = [
      ../../../modules/weights
      {
        weights = {
          inherit declared lockFile;
          sets.lora.mode = "runtime";
        }
        // extra;
      }
    ];
  };
  w = ev.config.weights;
  image = ev.config.image;
  weightsLib = import ../sets.nix { inherit lib; };
in
{
  sets = lib.mapAttrs (_: s: {
    inherit (s)
      mode
      target
      include
      exclude
      source
      ;
    files = map (f: f.path) s.files;
  }) w.sets;
  buildTimePaths = map (b: {
    inherit (b) name target;
    drvName = b.path.name;
    script = b.path.script;
  }) w.buildTimePaths;
  fetches = lib.concatMap (s: map (f: (weightsLib.fetchFile recordingPkgs s.name f).fetchurlArgs) s.files) (
    lib.filter (s: s.mode == "build") (builtins.attrValues w.sets)
  );
  inherit (w) runtimeManifestData hasRuntime;
  manifestText = if w.runtimeManifest == null then null else w.runtimeManifest.text;
  downloader = baseNameOf (toString w.downloader);
  # What the image gets from the module.
  environment = lib.filterAttrs (n: _: lib.hasPrefix "COGNIX_WEIGHTS_" n) image.env;
  inherit (image) launcher;
  srcFiles = builtins.attrNames image.srcFiles;
  ownLayers = map (p: p.name) image.ownLayers;
  links = map (e: { inherit (e) path target; }) (builtins.filter (e: e.type == "symlink") image.extraRoot);
}
