# cognix's overrides applied to a recording set holding one stand-in wheel per
# package the override table knows, with the dependency edges those packages
# have on PyPI (xformers -> torch -> nvidia-*, ...).
{ }:
let
  inputs = import ../inputs.nix { };
  lib = import (inputs.nixpkgs-lib.outPath + "/lib");
  py = import ../default.nix { inherit lib inputs; };
  pythonInfo = py.mkPythonInfo { version = "3.11"; };
  recording = import ./recording-set.nix { inherit lib pythonInfo; };

  dependencies = {
    torch = [ "nvidia-cublas-cu12" "nvidia-cudnn-cu12" "triton" "numpy" ];
    nvidia-cudnn-cu12 = [ "nvidia-cublas-cu12" ];
    nvidia-cublas-cu12 = [ ];
    triton = [ ];
    numpy = [ ];
    xformers = [ "torch" "numpy" "nvidia-cublas-cu12" "nvidia-cudnn-cu12" "triton" ];
    flash-attn = [ "torch" "einops" "nvidia-cublas-cu12" "nvidia-cudnn-cu12" "triton" ];
    einops = [ ];
    bitsandbytes = [ "torch" "numpy" "nvidia-cublas-cu12" "nvidia-cudnn-cu12" "triton" ];
    onnxruntime-gpu = [ "numpy" ];
    opencv-python = [ "numpy" ];
    opencv-python-headless = [ "numpy" ];
  };
  packageNames = builtins.attrNames dependencies;

  wheels = _final: _prev:
    lib.genAttrs packageNames (name: recording.mkDerivation {
      pname = name;
      version = "1.0";
      buildInputs = [ ];
      passthru = { };
    });

  set = recording.apply [
    wheels
    (py.overrides.overlay { inherit packageNames dependencies; inherit (pythonInfo) sitePackages; })
  ];
in
lib.genAttrs packageNames (name: {
  ignore = set.${name}.autoPatchelfIgnoreMissingDeps or [ ];
  siblings = set.${name}.passthru.cognixOverride.siblings or null;
  system = set.${name}.passthru.cognixOverride.system or null;
  buildInputs = map (d: d.name) (set.${name}.buildInputs or [ ]);
})
