# CUDA package sets: the attribute names of nixpkgs' cudaPackages_<major>_<minor>
# with placeholder libraries (no NVIDIA redistributables here).
{ lib, runCommand }:
let
  library = name: runCommand "${name}-stub" { } ''
    mkdir -p "$out/lib"
    echo ${name} > "$out/lib/lib${name}.so"
  '';
  cudaSet = version: lib.genAttrs
    [ "cuda_cudart" "libcublas" "libcufft" "libcurand" "libcusolver" "libcusparse" "cuda_nvrtc" "nccl" "cudnn" ]
    (n: library "${n}-${version}");
in
{
  cudaPackages_12_4 = cudaSet "12.4";
  cudaPackages_12_1 = throw "CUDA 12.1 has been removed";
}
