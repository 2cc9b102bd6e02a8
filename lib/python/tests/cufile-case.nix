# nvidia-cufile-cu12 from the torch CUDA lock, built by the offline package
# set's real pyproject.nix builders (uv install, auto-patchelf): with cognix's
# overrides, or with its RDMA ignores taken back (`withoutIgnores`).
{
  host,
  withoutIgnores ? false,
}:
let
  inputs = import ../inputs.nix { };
  lib = import (inputs.nixpkgs-lib.outPath + "/lib");
  cognix = import ../../. { inherit lib; };
  pkgs = import ../../offline { inherit lib host; };
  lock = ./fixtures/torch-cuda;
  image = cognix.mkCogImage {
    inherit pkgs;
    src = ../../../examples/torch-demo;
    modules = [
      {
        python.uvLock = lock + "/uv.lock";
        python.pyproject = lock + "/pyproject.toml";
      }
    ];
  };
  entry = lib.findFirst (p: p.name == "nvidia-cufile-cu12") (throw "no nvidia-cufile-cu12 in the lock") image.config.python.packages;
in
if withoutIgnores then
  entry.package.overrideAttrs (_: { autoPatchelfIgnoreMissingDeps = [ "libcuda.so.1" ]; })
else
  entry.package
