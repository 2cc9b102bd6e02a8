# The offline package set (lib/offline) for the Nix tests, plus a stand-in
# Python environment for tests about the image's structure rather than its
# Python (those about the Python build the real one: lib/offline/image.nix).
{ lib
, system ? "x86_64-linux"
, typescriptDir ? null
  # probe-host.py's facts; the test runner writes them (ts/testkit/global-setup.ts).
, host ? (let f = builtins.getEnv "COGNIX_HOST_FACTS"; in if f == "" then null else f)
}:
let
  offline = import ../offline { inherit lib system typescriptDir host; };

  # A python that prints its arguments; for Cog's schema module it prints a
  # fixed OpenAPI document instead.
  fakePython = offline.runCommand "fake-python-venv" { } ''
    mkdir -p "$out/bin"
    cat > "$out/bin/python" <<'EOF'
    #!${offline.busybox}/bin/sh
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
in
offline // { inherit fakePython; }
