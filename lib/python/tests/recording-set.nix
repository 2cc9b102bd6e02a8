# A lib-only stand-in for pyproject.nix's package set. Builders record the
# arguments they receive instead of producing derivations, so tests can see
# which wheel uv2nix picked, with which hash, and what the overrides changed.
{ lib, pythonInfo }:
let
  marker = name: { inherit name; outPath = "/recorded/${name}"; };

  # stdenv.mkDerivation: accepts attrs or (finalAttrs: attrs), supports overrideAttrs.
  mkDerivation =
    fattrs:
    let
      toFn = f: if builtins.isFunction f then f else (_: f);
      build =
        fn:
        let
          self = fn self // {
            overrideAttrs =
              f:
              build (
                final:
                let
                  prev = fn final;
                in
                prev // (toFn f) prev
              );
          };
          pname = self.pname or "unnamed";
          version = self.version or "0";
        in
        self
        // {
          name = self.name or "${pname}-${version}";
          outPath = "/recorded/${pname}-${version}";
          type = "recorded-derivation";
          # Last so a recorded mkDerivation result can be passed on unchanged.
          overrideAttrs = self.overrideAttrs;
        };
    in
    build (toFn fattrs);

  stdenv = pythonInfo.stdenv // {
    inherit mkDerivation;
  };

  fetchurl =
    args:
    args
    // {
      outPath = "/recorded/fetchurl/${args.name or (baseNameOf args.url)}";
      passthru.url = args.url;
      fetcher = "fetchurl";
    };

  # Older nixpkgs naming: X11 libraries under xorg.
  pkgs = lib.genAttrs [ "libGL" "glib" ] marker // {
    xorg = lib.genAttrs [ "libxcb" "libX11" "libXext" "libSM" "libICE" ] marker;
  };

  base = final: {
    inherit stdenv fetchurl pkgs;
    python = pythonInfo;
    callPackage = lib.callPackageWith final;
    pythonPkgsBuildHost = final;
    autoPatchelfHook = marker "autoPatchelfHook";
    pyprojectHook = marker "pyprojectHook";
    pyprojectWheelHook = marker "pyprojectWheelHook";
    pyprojectEditableHook = marker "pyprojectEditableHook";
    unzip = marker "unzip";
    resolveBuildSystem = _spec: [ ];
    pythonManylinuxPackages = {
      manylinux1 = [ (marker "manylinux1-libs") ];
      manylinux2010 = [ (marker "manylinux2010-libs") ];
      manylinux2014 = [ (marker "manylinux2014-libs") ];
    };
  };
in
{
  inherit mkDerivation;

  /**
    Apply overlays (final: prev: ...) on top of the recording base set.
  */
  apply = overlays: lib.fix (lib.extends (lib.composeManyExtensions overlays) base);
}
