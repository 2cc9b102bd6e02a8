# Every assertion message, each triggered on purpose.
let
  h = import ../harness.nix { };
  inherit (h) lib stub;
  failed = src: modules: h.failedAssertions (h.evalStub { inherit src modules; }).config;
  minimal = h.examples + "/minimal";
  gpu = h.examples + "/gpu";
in
h.scrub {
  clean = failed minimal [ ];
  reservedEnv = failed minimal [{ cog.environment = { PATH = "/x"; NVIDIA_VISIBLE_DEVICES = "0"; }; }];
  stale = failed (h.fixtures + "/stale") [ ];
  missingSystemPackage = failed (h.fixtures + "/unknown-apt") [ ];
  cudaSetMissing = failed gpu [{ cuda.version = lib.mkForce "11.8"; }];
  # 12.1 is a throwing alias in the stub, as in nixpkgs: the next minor serves.
  cudaFallback =
    let c = (h.evalStub { src = gpu; modules = [{ cuda.version = lib.mkForce "12.1"; }]; }).config; in
    { failed = h.failedAssertions c; warnings = builtins.filter (lib.hasPrefix "cuda:") c.warnings; libraries = map (p: p.name) c.cuda.packages; };
  cudaLibraryMissing = failed gpu [{ cuda.libraries = [ "cuda_cudart" "libcudla" ]; }];
  cudaNoVersion = failed gpu [{ cuda.version = lib.mkForce null; }];
  gpuClean = failed gpu [ ];
}
