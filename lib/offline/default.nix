# cognix's offline package set: what cognix's modules take from nixpkgs, under
# nixpkgs' names, made from this machine where nixpkgs cannot be fetched.
#
# Real: CPython (the host's interpreter and its libraries, copied into the
# store and patched to load only from it), glibc, the GCC runtime and Debian
# packages standing in for nixpkgs packages (debian.nix), uv, the wheels named
# in uv.lock (served from the local wheelhouse after a sha256 check,
# fetchurl.nix), and pyproject.nix's own package set and venv builder.
# Stand-ins: stdenv.mkDerivation and the setup hooks (stdenv.nix), the
# trivial builders (trivial.nix). lib/offline/README.md says more.
{
  # nixpkgs-lib; by default the one locked in cognix's flake.lock, so that
  # `import pkgs.path { system; config; overlays; }` works as with nixpkgs.
  lib ? import ((import ../python/inputs.nix { }).nixpkgs-lib.outPath + "/lib"),
  system ? "x86_64-linux",
  # Facts about this machine from probe-host.py (an attrset, or a JSON file);
  # null leaves out everything made from host files.
  host ? null,
  # A node_modules/typescript directory, for `typescript`.
  typescriptDir ? null,
  # The wheelhouse fetchurl serves Python package files from (default: the
  # host facts' wheelhouse).
  wheelhouse ? null,
  # nixpkgs' config keys: allowUnfree, allowUnfreePredicate, allowBroken,
  # cudaSupport, allowAliases, problems (check-meta.nix, cuda.nix, aliases.nix).
  config ? { },
  overlays ? [ ],
}:
assert lib.assertMsg (overlays == [ ]) "offline package set: overlays are not supported";
let
  facts =
    if host == null || builtins.isAttrs host then host else builtins.fromJSON (builtins.readFile host);
  tools = if facts == null then { } else facts.tools;
  wheels = if wheelhouse != null then wheelhouse else if facts == null then "/nonexistent-wheelhouse" else facts.wheelhouse;
  bash = tools.bash or "/bin/bash";
  node = tools.node or "/usr/bin/node";
  # Host programs builders may call: coreutils, dpkg, ldd, patchelf, curl.
  hostPath = "/usr/bin:/bin:/usr/sbin:/sbin";
  platform = lib.systems.elaborate system;

  trivial = import ./trivial.nix { inherit lib system bash hostPath; };
  hostPkgs = import ./host.nix {
    inherit lib system bash hostPath;
    host = facts;
    inherit (trivial) runCommand;
  };
  inherit (hostPkgs) glibc gccLib;
  cc = {
    libc = glibc;
    cc.lib = gccLib;
    bintools.dynamicLinker = "${glibc}/lib/ld-linux-x86-64.so.2";
  };
  std = import ./stdenv.nix {
    inherit lib system bash hostPath platform cc;
    inherit (hostPkgs) python3;
    inherit (trivial) runCommand;
  };
  debian = import ./debian.nix {
    inherit lib;
    inherit (hostPkgs) fromDebian;
    installed = name: facts != null && facts.debian ? ${name};
  };
  pythons = lib.mapAttrs' (
    minor: python: lib.nameValuePair "python${lib.replaceStrings [ "." ] [ "" ] minor}" python
  ) hostPkgs.pythons;

  # nixpkgs' list (pkgs/development/interpreters/python/manylinux): glibc, the
  # GCC runtime, X11, GL and GLib libraries every manylinux wheel may load.
  manylinux = [
    glibc
    gccLib
    debian.libx11
    debian.libxext
    debian.libxrender
    debian.libice
    debian.libsm
    debian.libGL
    debian.glib
  ];

  self =
    trivial
    // debian
    // pythons
    // {
      inherit lib config;
      pkgs = self;
      # As nixpkgs' `path`: cognix imports it again with a CUDA config. That
      # instance has no host facts: only what needs none (the CUDA sets).
      path = ./.;
      inherit (std) stdenv makeSetupHook autoPatchelfHook;
      inherit glibc;
      inherit (hostPkgs) uv;
      callPackage = lib.callPackageWith self;
      newScope = extra: lib.callPackageWith (self // extra);
      buildPackages = self;
      pkgsBuildHost = self;

      runtimeShell = bash;
      fetchurl = import ./fetchurl.nix {
        inherit lib system bash hostPath;
        wheelhouse = wheels;
        inherit (hostPkgs) python3;
      };
      pythonManylinuxPackages = {
        manylinux1 = manylinux;
        manylinux2010 = manylinux;
        manylinux2014 = manylinux;
      };

      cacert = trivial.runCommand "cacert" { } ''
        if [ ! -f /etc/ssl/certs/ca-certificates.crt ]; then
          echo "offline package set: cacert comes from /etc/ssl/certs/ca-certificates.crt: apt-get install ca-certificates" >&2
          exit 1
        fi
        mkdir -p "$out/etc/ssl/certs"
        cp /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/ca-bundle.crt"
      '';

      # Node and tsc run at build time only (the image tool); never in an image.
      nodejs = trivial.runCommand "nodejs" { } ''
        mkdir -p "$out/bin"
        printf '#!/bin/sh\nexec ${node} "$@"\n' > "$out/bin/node"
        chmod 0555 "$out/bin/node"
      '';
      typescript =
        if typescriptDir == null then
          throw "offline package set: typescript needs `typescriptDir` (a node_modules/typescript directory)"
        else
          trivial.runCommand "typescript" { } ''
            mkdir -p "$out/bin"
            printf '#!/bin/sh\nexec ${node} ${typescriptDir}/bin/tsc "$@"\n' > "$out/bin/tsc"
            chmod 0555 "$out/bin/tsc"
          '';
    }
    // import ./cuda.nix {
      inherit lib config;
      inherit (trivial) runCommand;
      inherit (self) newScope;
      # nixpkgs' refusal of unfree and broken packages, by the same config keys.
      checkMeta = import ./check-meta.nix { inherit lib config; };
    }
    // import ./aliases.nix {
      inherit lib config;
      pkgs = self;
    };
in
self
