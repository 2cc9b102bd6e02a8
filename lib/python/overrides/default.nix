# cognix's overrides for prebuilt wheels that need help to load in a Nix store.
#
# Wheels are patched by autoPatchelfHook. Out of the box it looks for a wheel's
# shared libraries only in the wheel itself and its build inputs, so the CUDA
# stack (torch, triton, nvidia-*-cu12 and the libraries built on them) would
# fail on libraries shipped by sibling wheels. Each override below adds the
# sibling packages' site-packages as search paths, and leaves `libcuda.so.1`
# (and other driver libraries) unresolved: the NVIDIA driver mounts them into
# the container at run time, they must never come from the image.
#
# The overlay is applied after uv2nix's and before the user's
# `python.overrides`, so any of this can be replaced per model.
{ lib }:
let
  inherit (lib) filter hasPrefix concatMapStrings listToAttrs nameValuePair;

  # Provided by the driver on the host, never packaged in the image.
  driverLibraries = [
    "libcuda.so.1"
    "libcuda.so"
    "libnvidia-ml.so.1"
  ];

  # System libraries by role; each is the first nixpkgs attribute path that
  # exists (newer nixpkgs names X11 libraries in lower case at top level).
  x11 = [ "libxcb" "libx11" "libxext" "libsm" "libice" ];
  candidates = {
    libGL = [ "libGL" ];
    glib = [ "glib" ];
    libxcb = [ "libxcb" "xorg.libxcb" ];
    libx11 = [ "libx11" "xorg.libX11" ];
    libxext = [ "libxext" "xorg.libXext" ];
    libsm = [ "libsm" "xorg.libSM" ];
    libice = [ "libice" "xorg.libICE" ];
  };

  # Per package: what else may stay unresolved, and extra system libraries
  # (roles in `candidates`). Every nvidia-* wheel has a rule too.
  rules = {
    torch = { };
    triton = { };
    torchvision = { };
    torchaudio = {
      # FFmpeg/SoX backends are optional and picked at run time.
      ignore = [ "libavutil.so.*" "libavcodec.so.*" "libavformat.so.*" "libavdevice.so.*" "libavfilter.so.*" "libswscale.so.*" "libswresample.so.*" "libsox.so" ];
    };
    bitsandbytes = { };
    xformers = { };
    flash-attn = { };
    onnxruntime-gpu = {
      # TensorRT and the CUDA provider libraries are loaded only when requested.
      ignore = [ "libnvinfer.so.*" "libnvinfer_plugin.so.*" "libnvonnxparser.so.*" "libcudnn.so.*" "libcublas.so.*" "libcublasLt.so.*" "libcurand.so.*" "libcufft.so.*" "libcudart.so.*" ];
    };
    # cuFile's RDMA plugin (libcufile_rdma.so.1) needs rdma-core's libraries;
    # libcufile.so.0, which torch links, does not, and loads the plugin only
    # for GPUDirect Storage over RDMA, so the plugin may stay unresolved.
    nvidia-cufile-cu12.ignore = [ "libmlx5.so.1" "librdmacm.so.1" "libibverbs.so.1" ];
    opencv-python.system = [ "libGL" "glib" ] ++ x11;
    opencv-contrib-python.system = [ "libGL" "glib" ] ++ x11;
    opencv-python-headless.system = [ "glib" ];
    opencv-contrib-python-headless.system = [ "glib" ];
  };

  # Libraries older nvidia wheels link against without declaring the wheel in
  # their metadata. Acyclic, so search paths never form a build cycle.
  undeclaredNeeds = {
    nvidia-cusolver-cu12 = [ "nvidia-cublas-cu12" "nvidia-cusparse-cu12" "nvidia-nvjitlink-cu12" ];
    nvidia-cusparse-cu12 = [ "nvidia-nvjitlink-cu12" ];
    nvidia-cufft-cu12 = [ "nvidia-nvjitlink-cu12" ];
    nvidia-cudnn-cu12 = [ "nvidia-cublas-cu12" ];
    nvidia-cusolver-cu11 = [ "nvidia-cublas-cu11" "nvidia-cusparse-cu11" ];
    nvidia-cudnn-cu11 = [ "nvidia-cublas-cu11" ];
  };

  # Packages whose libraries others load: searched when they are dependencies.
  isLibraryProvider = name: hasPrefix "nvidia-" name || name == "torch" || name == "triton";

  ruleFor = name: rules.${name} or (if hasPrefix "nvidia-" name then { } else null);

  systemLibrary =
    pkgs: owner: role:
    let
      paths = map (lib.splitString ".") candidates.${role};
      found = lib.findFirst (p: lib.hasAttrByPath p pkgs) null paths;
    in
    if found == null then
      throw "cognix: ${owner} needs ${role} from nixpkgs (tried ${lib.concatStringsSep ", " candidates.${role}}); none is in the package set."
    else
      lib.getAttrFromPath found pkgs;
in
{
  inherit driverLibraries rules undeclaredNeeds candidates;

  /**
    Names of the packages among `packageNames` that cognix overrides.
  */
  appliesTo = packageNames: filter (n: ruleFor n != null) packageNames;

  /**
    The overlay. `packageNames` are the distributions in the environment (known
    from the lock, so the overlay's attribute names never depend on `final`);
    `sitePackages` is the interpreter's site-packages directory.
  */
  overlay =
    {
      packageNames,
      sitePackages,
      # name -> all (transitive) lock dependencies of that package.
      dependencies ? { },
    }:
    final: prev:
    let
      present = n: lib.elem n packageNames;
      siblingsOf =
        name:
        lib.unique (
          filter (n: n != name && present n && isLibraryProvider n) (
            (dependencies.${name} or [ ]) ++ (undeclaredNeeds.${name} or [ ])
          )
        );
      override =
        name:
        let
          rule = ruleFor name;
          siblings = siblingsOf name;
        in
        prev.${name}.overrideAttrs (old: {
          autoPatchelfIgnoreMissingDeps =
            (if builtins.isList (old.autoPatchelfIgnoreMissingDeps or [ ]) then old.autoPatchelfIgnoreMissingDeps or [ ] else [ ])
            ++ driverLibraries
            ++ rule.ignore or [ ];
          buildInputs =
            (old.buildInputs or [ ])
            ++ map (s: final.${s}) siblings
            ++ map (systemLibrary final.pkgs name) (rule.system or [ ]);
          preFixup =
            (old.preFixup or "")
            + concatMapStrings (s: "addAutoPatchelfSearchPath ${final.${s}}/${sitePackages}\n") siblings;
          passthru = (old.passthru or { }) // {
            cognixOverride = {
              inherit siblings;
              system = rule.system or [ ];
            };
          };
        });
    in
    listToAttrs (
      map (n: nameValuePair n (override n)) (filter (n: ruleFor n != null && prev ? ${n}) packageNames)
    );
}
