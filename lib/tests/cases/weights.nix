# Weights wiring: a build-time set is linked at its target and named for a
# layer of its own; a run-time set puts the downloader in front of the server.
let
  h = import ../harness.nix { };
  pkgs = import ../../weights/tests/stub-extras.nix { stub = h.stub; };
  src = h.fixtures + "/weights-model";
  of =
    modules:
    let
      c = (h.evalStub { inherit src pkgs modules; }).config;
      root = c.image.root ++ c.image.extraRoot;
    in
    h.scrub {
      cmd = c.image.cmd;
      weightEnv = builtins.filter (h.lib.hasPrefix "COGNIX_WEIGHTS_") (builtins.attrNames c.image.env);
      links = builtins.filter (
        e: e.type == "symlink" && (e.path == "/src/weights" || e.path == "/weights/lora")
      ) root;
      files = builtins.filter (e: e.type == "file" && e ? source) root;
      ownLayer = map toString c.image.ownLayers;
    };
in
{
  build = of [ ];
  runtime = of [ { weights.sets.lora.mode = "runtime"; } ];
}
