# Weights wiring: a build-time set is linked at its target and named for a
# layer of its own; a run-time set puts the downloader in front of the server.
let
  h = import ../harness.nix { };
  pkgs = import ../../weights/tests/stub-extras.nix { stub = h.stub; };
  src = h.fixtures + "/weights-model";
  of = modules:
    let c = (h.evalStub { inherit src pkgs modules; }).config; in
    h.scrub {
      cmd = c.image.cmd;
      weightEnv = builtins.attrNames (builtins.intersectAttrs c.weights.environment c.image.env);
      links = builtins.filter (e: e.type == "symlink" && (e.path == "/src/weights" || e.path == "/weights/lora")) c.image.root;
      files = builtins.filter (e: e.type == "file" && e ? source) c.image.root;
      ownLayer = map (w: "${w.path}") c.weights.buildTimePaths;
    };
in
{
  build = of [ ];
  runtime = of [{ weights.sets.lora.mode = "runtime"; }];
}
