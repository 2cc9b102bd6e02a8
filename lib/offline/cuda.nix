# nixpkgs' CUDA package sets for the offline set, under nixpkgs' names and
# with nixpkgs' refusals; the files are placeholders (NVIDIA's
# redistributables are not on this machine).
#
#   cudaPackages_<major>_<minor>   `lib.makeScope` scopes (pkgs/top-level/cuda-packages.nix)
#                                  for the versions all-packages.nix carries;
#                                  cudaPackages_12, _13 and cudaPackages point at
#                                  the same sets as there
#   <set>.<redistributable>        as buildRedist makes them
#                                  (pkgs/development/cuda-modules/buildRedist):
#                                  named cuda<major.minor>-<pname>-<version>,
#                                  outputs out/dev/include/lib/static (cuda_cudart
#                                  also stubs), NVIDIA's licence, and
#                                  `meta.broken` unless config.cudaSupport
#   <set>.nccl                     built from source in nixpkgs
#                                  (packages/nccl.nix): BSD licence, but built
#                                  with cuda_nvcc and cuda_cudart, so refused
#                                  with them
#   _cuda.lib                      allowUnfreeCudaPredicate and the NVIDIA licences
#                                  (pkgs/development/cuda-modules/_cuda/lib)
# Removed versions (11.x, 12.0–12.5) are aliases that throw: aliases.nix.
{
  lib,
  config,
  checkMeta,
  runCommand,
  newScope,
}:
let
  cudaSupport = config.cudaSupport or false;

  # _cuda/lib/licenses.nix
  licenses = {
    cudnn = {
      shortName = "cuDNN EULA";
      fullName = "cuDNN SUPPLEMENT TO SOFTWARE LICENSE AGREEMENT FOR NVIDIA SOFTWARE DEVELOPMENT KITS";
      url = "https://docs.nvidia.com/deeplearning/cudnn/backend/latest/reference/eula.html";
      free = false;
      redistributable = false;
    };
    cusparse_lt = {
      shortName = "cuSPARSELt EULA";
      fullName = "cuSPARSELt SUPPLEMENT TO SOFTWARE LICENSE AGREEMENT FOR NVIDIA SOFTWARE DEVELOPMENT KITS";
      url = "https://docs.nvidia.com/cuda/cusparselt/license.html";
      free = false;
      redistributable = false;
    };
    cutensor = {
      shortName = "cuTENSOR EULA";
      fullName = "cuTENSOR SUPPLEMENT TO SOFTWARE LICENSE AGREEMENT FOR NVIDIA SOFTWARE DEVELOPMENT KITS";
      url = "https://docs.nvidia.com/cuda/cutensor/latest/license.html";
      free = false;
      redistributable = false;
    };
    tensorrt = {
      shortName = "TensorRT EULA";
      fullName = "TensorRT SUPPLEMENT TO SOFTWARE LICENSE AGREEMENT FOR NVIDIA SOFTWARE DEVELOPMENT KITS";
      url = "https://docs.nvidia.com/deeplearning/tensorrt/latest/reference/sla.html";
      free = false;
      redistributable = false;
    };
    math_sdk_sla = {
      shortName = "NVIDIA Math SDK SLA";
      fullName = "LICENSE AGREEMENT FOR NVIDIA MATH LIBRARIES SOFTWARE DEVELOPMENT KITS";
      url = "https://developer.download.nvidia.com/compute/mathdx/License.txt";
      free = false;
      redistributable = false;
    };
  };

  # _cuda/lib/cuda.nix: free licences and NVIDIA's, nothing else.
  allowUnfreeCudaPredicate =
    let
      cudaLicenses = [
        lib.licenses.nvidiaCuda
        lib.licenses.nvidiaCudaRedist
      ]
      ++ lib.attrValues licenses;
      cudaLicenseNames = map (license: license.shortName) cudaLicenses;
    in
    package:
    if lib.isAttrs package.meta.license && lib.hasAttr "licenseType" package.meta.license then
      lib.licenses.evaluateProperty (
        license: (license.free or false) || lib.elem license cudaLicenses
      ) true (package.meta.license or [ ])
    else
      lib.all (
        license: (license.free or false) || lib.elem (license.shortName or null) cudaLicenseNames
      ) (lib.toList package.meta.license);

  # A placeholder for each output, so a closure holding one is visibly not CUDA.
  placeholder =
    { name, outputs }:
    runCommand name { inherit outputs; } ''
      for o in ${toString outputs}; do
        mkdir -p "''${!o}/lib"
        echo "${name} ($o): a placeholder of the offline package set, not NVIDIA's library" > "''${!o}/lib/PLACEHOLDER"
      done
    '';

  mkCudaPackages =
    release:
    let
      majorMinor = lib.versions.majorMinor release;
      cudaNamePrefix = "cuda${majorMinor}";

      # buildRedist: unfree unless the package says otherwise, broken without
      # cudaSupport ("CUDA support is enabled by config.cudaSupport").
      buildRedist =
        {
          pname,
          version ? release,
          outputs ? [
            "out"
            "dev"
            "include"
            "lib"
            "static"
          ],
          license ? [ lib.licenses.nvidiaCudaRedist ],
          pos,
        }:
        let
          attrs = {
            inherit pname version outputs;
            name = "${cudaNamePrefix}-${pname}-${version}";
            meta = {
              inherit license;
              broken = !cudaSupport;
              platforms = [
                "aarch64-linux"
                "x86_64-linux"
              ];
              position = "${pos.file}:${toString pos.line}";
            };
          };
        in
        checkMeta.checked attrs (placeholder { inherit (attrs) name outputs; });
    in
    lib.makeScope newScope (final: {
      cudaMajorMinorVersion = majorMinor;
      cudaMajorVersion = lib.versions.major release;
      inherit cudaNamePrefix;
      cudaAtLeast = lib.versionAtLeast majorMinor;
      cudaOlder = lib.versionOlder majorMinor;

      cuda_cudart = buildRedist {
        pname = "cuda_cudart";
        outputs = [
          "out"
          "dev"
          "include"
          "lib"
          "static"
          "stubs"
        ];
        pos = __curPos;
      };
      cuda_cccl = buildRedist {
        pname = "cuda_cccl";
        pos = __curPos;
      };
      cuda_cupti = buildRedist {
        pname = "cuda_cupti";
        pos = __curPos;
      };
      cuda_nvcc = buildRedist {
        pname = "cuda_nvcc";
        pos = __curPos;
      };
      cuda_nvrtc = buildRedist {
        pname = "cuda_nvrtc";
        pos = __curPos;
      };
      libcublas = buildRedist {
        pname = "libcublas";
        pos = __curPos;
      };
      libcufft = buildRedist {
        pname = "libcufft";
        pos = __curPos;
      };
      libcufile = buildRedist {
        pname = "libcufile";
        pos = __curPos;
      };
      libcurand = buildRedist {
        pname = "libcurand";
        pos = __curPos;
      };
      libcusolver = buildRedist {
        pname = "libcusolver";
        pos = __curPos;
      };
      libcusparse = buildRedist {
        pname = "libcusparse";
        pos = __curPos;
      };
      libnvjitlink = buildRedist {
        pname = "libnvjitlink";
        pos = __curPos;
      };
      cudnn = buildRedist {
        pname = "cudnn";
        version = "9";
        license = licenses.cudnn;
        pos = __curPos;
      };

      # Built from source with nvcc: free itself, but its build inputs are
      # CUDA redistributables, so evaluating it evaluates them.
      nccl =
        let
          attrs = {
            pname = "nccl";
            version = "2.30.7-1";
            name = "${cudaNamePrefix}-nccl-2.30.7-1";
            meta = {
              license = lib.licenses.bsd3;
              platforms = [
                "aarch64-linux"
                "x86_64-linux"
              ];
              position =
                let
                  pos = __curPos;
                in
                "${pos.file}:${toString pos.line}";
            };
          };
        in
        checkMeta.checked attrs (
          runCommand attrs.name
            {
              outputs = [
                "out"
                "dev"
                "static"
              ];
              nativeBuildInputs = [ final.cuda_nvcc ];
              buildInputs = [ final.cuda_cudart ];
            }
            ''
              for o in out dev static; do
                mkdir -p "''${!o}/lib"
                echo "nccl ($o): a placeholder of the offline package set" > "''${!o}/lib/PLACEHOLDER"
              done
            ''
        );
    });

  # all-packages.nix: `inherit (import ./cuda-packages.nix …) cudaPackages_12_6 … cudaPackages_13_3`.
  sets = lib.mapAttrs (_: mkCudaPackages) {
    cudaPackages_12_6 = "12.6.3";
    cudaPackages_12_8 = "12.8.1";
    cudaPackages_12_9 = "12.9.1";
    cudaPackages_13_0 = "13.0.2";
    cudaPackages_13_1 = "13.1.1";
    cudaPackages_13_2 = "13.2.0";
    cudaPackages_13_3 = "13.3.0";
  };
in
sets
// {
  _cuda.lib = {
    inherit allowUnfreeCudaPredicate licenses;
  };
  cudaPackages_12 = sets.cudaPackages_12_9;
  cudaPackages_13 = sets.cudaPackages_13_2;
  cudaPackages = lib.recurseIntoAttrs sets.cudaPackages_12_9;
}
