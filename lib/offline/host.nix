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
  hostCopy = ./host-copy.py;
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

  # Lists a Debian package's files, copies those under the given directories,
  # then bundles and patches (host-copy.py).
  copyDebs =
    {
      pname,
      version,
      debs,
      # Host directories (as dpkg lists them) → where their files go in $out.
      dirs ? {
        "/usr/bin" = "bin";
        "/bin" = "bin";
        "/usr/lib/x86_64-linux-gnu" = "lib";
        "/lib/x86_64-linux-gnu" = "lib";
      },
      providers ? [ ],
      interpreter ? null,
      patch ? true,
      postCopy ? "",
    }:
    assert requireDebs pname debs;
    runCommand "${pname}-${version}"
      {
        inherit debs;
        dirs = builtins.toJSON dirs;
        spec = builtins.toJSON {
          inherit providers interpreter patch;
          copies = [ ];
        };
        passthru = { inherit pname version; };
      }
      ''
        # Files directly under each listed directory (not its subdirectories).
        ${python3} - "$out" <<'PY'
        import json, os, subprocess, sys
        out = sys.argv[1]
        dirs = json.loads(os.environ["dirs"])
        spec = json.loads(os.environ["spec"])
        spec["out"] = out
        for deb in os.environ["debs"].split():
            files = subprocess.run(["dpkg", "-L", deb], capture_output=True, text=True, check=True).stdout.split("\n")
            for f in files:
                parent, base = os.path.split(f)
                if parent in dirs and (os.path.isfile(f) or os.path.islink(f)):
                    spec["copies"].append({"from": f, "to": os.path.join(dirs[parent], base), "why": f"file of {deb}"})
        with open("spec.json", "w") as fh:
            json.dump(spec, fh)
        PY
        ${python3} ${hostCopy} spec.json
        ${postCopy}
      '';

  glibc = copyDebs {
    pname = "glibc";
    version = upstream (debVersion "libc6");
    debs = [ "libc6" ];
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
    interpreter = ldso;
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
    copyDebs (
      {
        inherit pname version debs postCopy;
        providers = [
          glibc
          gccLib
        ];
        interpreter = ldso;
      }
      // lib.optionalAttrs (dirs != null) { inherit dirs; }
    );

  # CPython from the host (probe-host.py found it), as nixpkgs lays it out:
  # bin/python3.X, lib/libpython3.X.so, lib/python3.X without site-packages.
  mkPython =
    minor: info:
    let
      interpreterName = "python${minor}";
      drv = runCommand "python3-${info.version}"
        {
          spec = builtins.toJSON {
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
            providers = [
              glibc
              gccLib
            ];
            interpreter = ldso;
            patch = true;
          };
          passAsFile = [ "spec" ];
        }
        ''
          ${python3} -c 'import json,os,sys; s=json.load(open(sys.argv[1])); s["out"]=os.environ["out"]; json.dump(s, open("spec.json","w"))' "$specPath"
          ${python3} ${hostCopy} spec.json
          mkdir -p "$out/lib/${interpreterName}/site-packages"
          ln -s ${interpreterName} "$out/bin/python3"
          ln -s ${interpreterName} "$out/bin/python"
          # Hash-checked bytecode: valid whatever the files' mtimes (the store sets them to 1).
          "$out/bin/python3" -I -m compileall -q -j 0 --invalidation-mode checked-hash \
            -x 'lib2to3/tests|/test/' "$out/lib/${interpreterName}" >/dev/null
        '';
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
        stdenv = pythonStdenv;
        passthru = {
          implementation = "cpython";
          pythonVersion = minor;
          inherit (self) sourceVersion;
          pythonOnBuildForHost = self;
        };
      };
    in
    self;

  # What pyproject.nix reads from python.stdenv: the platform and the libc
  # (its version bounds the manylinux wheels uv2nix may pick).
  platform = lib.systems.elaborate system;
  pythonStdenv = {
    inherit (platform) isLinux isDarwin;
    hostPlatform = platform;
    buildPlatform = platform;
    targetPlatform = platform;
    cc.libc = {
      pname = "glibc";
      version = if host == null then "2.36" else host.glibc;
      linuxHeaders.version = "6.1";
    };
  };

  pythons = lib.mapAttrs mkPython (if host == null then { } else host.pythons);

  uv =
    if host == null || host.tools.uv or null == null then
      throw "offline package set: uv is not on this machine (scripts/tools installs it into .tools/bin)"
    else
      runCommand "uv"
        {
          spec = builtins.toJSON {
            copies = [
              {
                from = host.tools.uv;
                to = "bin/uv";
                why = "uv";
              }
            ];
            providers = [
              glibc
              gccLib
            ];
            interpreter = ldso;
            patch = true;
          };
          passAsFile = [ "spec" ];
        }
        ''
          ${python3} -c 'import json,os,sys; s=json.load(open(sys.argv[1])); s["out"]=os.environ["out"]; json.dump(s, open("spec.json","w"))' "$specPath"
          ${python3} ${hostCopy} spec.json
        '';
in
{
  inherit
    glibc
    gccLib
    fromDebian
    pythons
    pythonStdenv
    uv
    python3
    ;
}
