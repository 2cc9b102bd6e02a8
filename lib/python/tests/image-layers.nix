# The image spec of an example model whose Python environment is the stub
# build of a real uv.lock: shows how the layer planner lays out the
# per-distribution store paths.
{
  typescriptDir,
  workspaceRoot,
  pythonVersion,
}:
let
  h = import ../../tests/harness.nix { inherit typescriptDir; };
  env = import ./stub-build.nix { inherit workspaceRoot pythonVersion; };
  image = h.cognix.mkCogImage {
    pkgs = h.stub;
    src = h.examples + "/minimal";
    modules = [
      {
        python.venv = env.venv;
        python.pipFreeze = "";
      }
    ];
  };
in
{
  inherit (image) spec;
  inherit (env) venv;
  packages = builtins.mapAttrs (_: p: "${p}") env.packages;
  inherit (env) big;
}
