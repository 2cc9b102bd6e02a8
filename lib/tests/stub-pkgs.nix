# A tiny package set with the nixpkgs attribute names cognix uses, built only
# from `builtins.derivation` and host tools (bash, coreutils, node, busybox).
# It stands in for nixpkgs where nixpkgs cannot be fetched.
{ lib
, system ? "x86_64-linux"
, typescriptDir ? null   # a node_modules/typescript directory, for `typescript`
, node ? "/usr/bin/node"
, busybox ? "/usr/bin/busybox" # a statically linked busybox
, hostPath ? "/usr/bin:/bin"
}:
let
  # Structured-attrs builds get their environment from .attrs.sh.
  prelude = ''
    set -eu
    if [ -e "$NIX_BUILD_TOP/.attrs.sh" ]; then
      source "$NIX_BUILD_TOP/.attrs.sh"
      out="''${outputs[out]}"
      export NIX_ATTRS_JSON_FILE="$NIX_BUILD_TOP/.attrs.json"
    fi
    export PATH=${hostPath}
  '';

  runCommand = name: env: script:
    derivation ({
      inherit name system;
      outputs = [ "out" ];
      builder = "/bin/bash";
      # The trailing builtin keeps bash from exec-ing the script's last
      # command in place of the builder process.
      args = [ "-c" (prelude + script + "\n:\n") ];
    } // env);

  writeText = name: text: runCommand name { inherit text; passAsFile = [ "text" ]; } ''
    cp "$textPath" "$out"
  '';

  writeShellScript = name: text: runCommand name { inherit text; passAsFile = [ "text" ]; } ''
    { echo "#!${runtimeShell}"; cat "$textPath"; } > "$out"
    chmod 0555 "$out"
  '';

  writeShellScriptBin = name: text: runCommand name { inherit text; passAsFile = [ "text" ]; } ''
    mkdir -p "$out/bin"
    { echo "#!${runtimeShell}"; cat "$textPath"; } > "$out/bin/${name}"
    chmod 0555 "$out/bin/${name}"
  '';

  symlinkJoin = { name, paths, ... }: runCommand name { inherit paths; } ''
    mkdir -p "$out"
    for p in $paths; do
      cp -rs --no-preserve=mode --remove-destination "$p/." "$out/"
    done
  '';

  runtimeShell = "/bin/bash";

  # busybox with a link per applet; it also serves as shell and coreutils.
  busyboxPkg = runCommand "busybox-stub" { } ''
    mkdir -p "$out/bin"
    cp ${busybox} "$out/bin/busybox"
    chmod 0555 "$out/bin/busybox"
    for a in $("$out/bin/busybox" --list); do
      [ "$a" = busybox ] || ln -s busybox "$out/bin/$a"
    done
  '';

  # Only "--" handling: enough to run the entrypoint under chroot.
  tini = runCommand "tini-stub" { } ''
    mkdir -p "$out/bin"
    cat > "$out/bin/tini" <<'EOF'
    #!${busyboxPkg}/bin/sh
    [ "$1" = "--" ] && shift
    exec "$@"
    EOF
    chmod 0555 "$out/bin/tini"
  '';

  cacert = runCommand "cacert-stub" { } ''
    mkdir -p "$out/etc/ssl/certs"
    echo "# stub CA bundle" > "$out/etc/ssl/certs/ca-bundle.crt"
  '';

  nodejs = runCommand "nodejs-stub" { } ''
    mkdir -p "$out/bin"
    printf '#!/bin/sh\nexec ${node} "$@"\n' > "$out/bin/node"
    chmod 0555 "$out/bin/node"
  '';

  typescript =
    if typescriptDir == null then throw "stub-pkgs: typescriptDir not given"
    else runCommand "typescript-stub" { } ''
      mkdir -p "$out/bin"
      printf '#!/bin/sh\nexec ${node} ${typescriptDir}/bin/tsc "$@"\n' > "$out/bin/tsc"
      chmod 0555 "$out/bin/tsc"
    '';

  # A python that prints its arguments; for Cog's schema module it prints a
  # fixed OpenAPI document instead.
  fakePython = runCommand "fake-python-venv" { } ''
    mkdir -p "$out/bin"
    cat > "$out/bin/python" <<'EOF'
    #!${busyboxPkg}/bin/sh
    if [ "$1 $2" = "-m cog.command.openapi_schema" ]; then
      echo '{"openapi": "3.0.2", "info": {"title": "Cog", "version": "0.1.0"}, "paths": {}}'
      exit 0
    fi
    echo "fake-python argv: $*"
    echo "fake-python cwd: $(pwd)"
    echo "fake-python COG_PREDICT_TYPE_STUB=$COG_PREDICT_TYPE_STUB"
    ls -A /src
    EOF
    chmod 0555 "$out/bin/python"
    ln -s python "$out/bin/python3"
  '';

  # Stand-ins for system packages named in cognix.json.
  tool = name: runCommand "${name}-stub" { } ''
    mkdir -p "$out/bin" "$out/lib"
    printf '#!/bin/sh\necho ${name}\n' > "$out/bin/${name}"
    chmod 0555 "$out/bin/${name}"
  '';
  library = name: runCommand "${name}-stub" { } ''
    mkdir -p "$out/lib"
    echo ${name} > "$out/lib/lib${name}.so"
  '';

  cudaSet = version: lib.genAttrs
    [ "cuda_cudart" "libcublas" "libcufft" "libcurand" "libcusolver" "libcusparse" "cuda_nvrtc" "nccl" "cudnn" ]
    (n: library "${n}-${version}");
in
{
  inherit lib runCommand writeText writeShellScript writeShellScriptBin symlinkJoin runtimeShell;
  inherit tini cacert nodejs typescript fakePython;
  stdenv.hostPlatform.system = system;
  busybox = busyboxPkg;
  bashInteractive = busyboxPkg;
  coreutils = busyboxPkg;
  ffmpeg = tool "ffmpeg";
  hello = tool "hello";
  libGL = library "GL";
  glib = library "glib";
  xorg.libX11 = library "X11";
  cudaPackages_12_4 = cudaSet "12.4";
  cudaPackages_12_1 = throw "CUDA 12.1 has been removed";
}
