# nixpkgs' aliases (pkgs/top-level/aliases.nix) for the names the offline set
# carries, present unless config.allowAliases = false, as there:
#   cudaPackages_11, _11_0 … _12_5   removed CUDA versions: they throw nixpkgs'
#                                    message (added 2025-08-08)
#   xorg.<Name>                      the deprecated X11 set: each name warns and
#                                    is the lowercase top-level package
{ lib, config, pkgs }:
let
  removedCuda =
    version:
    throw "CUDA ${version} has been removed from Nixpkgs, as it is unmaintained upstream and depends on unsupported compilers";
  removedVersions =
    map (m: "11.${toString m}") (lib.range 0 8) ++ map (m: "12.${toString m}") (lib.range 0 5);

  # The X11 libraries debian.nix provides, old name -> new name.
  xorgRenamed = {
    libX11 = "libx11";
    libXext = "libxext";
    libXrender = "libxrender";
    libSM = "libsm";
    libICE = "libice";
    libxcb = "libxcb";
  };
in
lib.optionalAttrs (config.allowAliases or true) (
  {
    cudaPackages_11 = removedCuda "11";
    xorg = lib.mapAttrs (
      old: new:
      lib.warn "The xorg package set has been deprecated, 'xorg.${old}' has been renamed to '${new}'" pkgs.${new}
    ) xorgRenamed;
  }
  // lib.listToAttrs (
    map (v: lib.nameValuePair "cudaPackages_${lib.replaceStrings [ "." ] [ "_" ] v}" (removedCuda v)) removedVersions
  )
)
