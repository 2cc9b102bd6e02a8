# Store paths made from the host's own programs and libraries: glibc and the
# GCC runtime from Debian, Debian packages standing in for nixpkgs packages,
# CPython interpreters, uv. Every ELF file is copied with the libraries it
# loads and rewritten to load them from the store (host-copy.py), so these
# paths run inside an image with nothing from the host.
{
  lib,
  system,
  host,
  bash,
  hostPath,
  runCommand,
}:
let
  scripts = ./py;
  python3 = host.tools.python3 or "/usr/bin/python3";
  debVersion = deb: host.debian.${deb} or null;
  # "2.36-9+deb12u10" -> "2.36"
  upstream = v: builtins.head (lib.splitString "-" (lib.last (lib.splitString ":" v)));

  requireDebs =
    what: debs:
    let
      missing = builtins.filter (d: debVersion d == null) debs;
    in
    if host == null then
      throw "offline package set: ${what} is made from this machine's files, but no host facts were given (lib/offline/probe-host.py)"
    else if missing != [ ] then
      throw "offline package set: ${what} stands in for nixpkgs with the Debian package(s) ${lib.concatStringsSep ", " missing}, not installed here: apt-get install ${lib.concatStringsSep " " missing}"
    else
      true;

  # A store path made of host files (py/host-copy.py): `copies` and the files
  # of Debian packages `debs` under `dirs`, then, with `patch`, the libraries
  # they load bundled and every ELF file pointed at the store.
  hostCopy =
    {
      name,
      copies ? [ ],
      debs ? [ ],
      optional ? [ ],
      # Host directories (as dpkg lists them) → where their files go in $out.
      dirs ? {
        "/usr/bin" = "bin";
        "/bin" = "bin";
        "/usr/lib/x86_64-linux-gnu" = "lib";
        "/lib/x86_64-linux-gnu" = "lib";
      },
      providers ? [
        glibc
        gccLib
      ],
      interpreter ? ldso,
      patch ? true,
      postCopy ? "",
      passthru ? { },
    }:
    runCommand name
      {
        spec = builtins.toJSON {
          inherit copies debs dirs providers interpreter patch optional;
        };
        passAsFile = [ "spec" ];
        inherit passthru;
      }
      ''
        ${python3} ${scripts}/host-copy.py "$specPath"
        ${postCopy}
      '';

  # Debian packages as one store path, after checking they are installed.
  copyDebs =
    args@{ pname, version, debs, ... }:
    assert requireDebs pname debs;
    hostCopy (
      removeAttrs args [ "pname" "version" ]
      // {
        name = "${pname}-${version}";
        passthru = { inherit pname version; };
      }
    );

  glibc = copyDebs {
    pname = "glibc";
    version = upstream (debVersion "libc6");
    debs = [ "libc6" ];
    providers = [ ];
    interpreter = null;
    patch = false;
  };
  ldso = "${glibc}/lib/ld-linux-x86-64.so.2";

  # nixpkgs' stdenv.cc.cc.lib: libstdc++ and libgcc_s.
  gccLib = copyDebs {
    pname = "gcc-lib";
    version = upstream (debVersion "libstdc++6");
    debs = [
      "libstdc++6"
      "libgcc-s1"
    ];
    providers = [ glibc ];
  };

  # A Debian package (with the libraries it loads) as a store path.
  fromDebian =
    {
      pname,
      debs ? [ pname ],
      version ? upstream (debVersion (builtins.head debs)),
      dirs ? null,
      postCopy ? "",
    }:
    copyDebs ({ inherit pname version debs postCopy; } // lib.optionalAttrs (dirs != null) { inherit dirs; });

  # CPython from the host (probe-host.py found it), as nixpkgs lays it out:
  # bin/python3.X, lib/libpython3.X.so, lib/python3.X without site-packages.
  mkPython =
    minor: info:
    let
      interpreterName = "python${minor}";
      drv = hostCopy {
        name = "python3-${info.version}";
        copies = [
          {
            from = info.executable;
            to = "bin/${interpreterName}";
            why = "CPython ${info.version}";
          }
          {
            from = "${info.prefix}/lib/${interpreterName}";
            to = "lib/${interpreterName}";
            why = "CPython ${info.version}'s standard library";
            # Tests, Tk and the static library are not part of a runtime.
            exclude = [
              "site-packages/*"
              "test"
              "tests"
              "idle_test"
              "idlelib"
              "tkinter"
              "turtledemo"
              "_tkinter*"
              "__pycache__"
              "*.a"
              "config-*/*.o"
            ];
          }
        ];
        # Extension modules are optional in CPython (nis without libnsl, …).
        optional = [ "lib/${interpreterName}/lib-dynload/*" ];
        postCopy = ''
          mkdir -p "$out/lib/${interpreterName}/site-packages"
          ln -s ${interpreterName} "$out/bin/python3"
          ln -s ${interpreterName} "$out/bin/python"
          # Hash-checked bytecode: valid whatever the files' mtimes (the store sets them to 1).
          "$out/bin/python3" -I -m compileall -q -j 0 --invalidation-mode checked-hash \
            -x 'lib2to3/tests|/test/' "$out/lib/${interpreterName}" >/dev/null
        '';
      };
      parts = lib.splitString "." info.version;
      self = drv // {
        pname = "python3";
        inherit (info) version;
        executable = interpreterName;
        interpreter = "${drv}/bin/${interpreterName}";
        pythonVersion = minor;
        sitePackages = "lib/${interpreterName}/site-packages";
        implementation = "cpython";
        libPrefix = interpreterName;
        isPy3 = true;
        sourceVersion = {
          major = builtins.elemAt parts 0;
          minor = builtins.elemAt parts 1;
          patch = builtins.elemAt parts 2;
          suffix = "";
        };
        pythonAtLeast = lib.versionAtLeast minor;
        pythonOlder = lib.versionOlder minor;
        pythonOnBuildForHost = self;
        # What pyproject.nix reads from python.stdenv: the platform and the
        # libc (its version bounds the manylinux wheels uv2nix may pick).
        stdenv =
          (import ../python/python-info.nix { inherit lib; } {
            inherit (info) version;
            inherit system;
            glibcVersion = host.glibc;
          }).stdenv;
        passthru = {
          implementation = "cpython";
          pythonVersion = minor;
          inherit (self) sourceVersion;
          pythonOnBuildForHost = self;
        };
      };
    in
    self;

  pythons = lib.mapAttrs mkPython (if host == null then { } else host.pythons);

  uv =
    if host == null || host.tools.uv or null == null then
      throw "offline package set: uv is not on this machine (scripts/tools installs it into .tools/bin)"
    else
      hostCopy {
        name = "uv";
        copies = [
          {
            from = host.tools.uv;
            to = "bin/uv";
            why = "uv";
          }
        ];
      };
in
{
  inherit
    hostCopy
    glibc
    gccLib
    fromDebian
    pythons
    uv
    python3
    ;
}
