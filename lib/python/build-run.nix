# cog.yaml `build.run` commands as a build step: each command runs with the
# Python environment on PATH, in a copy of the model source, with no network.
# The result is the source tree after the commands ($out/src) and their log.
#
# Network is refused even where the Nix sandbox is off: every proxy variable
# points at a closed local port and pip/uv/Hugging Face run offline. A command
# that fails is reported with how to express what it tried to download.
#
# Needs only builtins.derivation and a POSIX shell with coreutils, so it runs
# with the stub package set as well as with nixpkgs.
{ lib }:
{
  name ? "cog-build-run",
  system,
  # build.run entries from cognix.json: [ { command; mounts; } ] or strings.
  commands,
  # The model directory.
  src,
  # The Python environment (its bin/ goes first on PATH).
  venv ? null,
  # Further store paths whose bin/ is put on PATH.
  tools ? [ ],
  shell ? "/bin/sh",
  # Host directories for coreutils when no nixpkgs tools are given.
  hostPath ? "/usr/bin:/bin",
  env ? { },
}:
let
  commandOf = c: if builtins.isString c then c else c.command;
  withSecrets = lib.filter (c: !(builtins.isString c) && (c.mounts or [ ]) != [ ]) commands;
  binPath = lib.concatStringsSep ":" (
    lib.optional (venv != null) "${venv}/bin" ++ map (t: "${t}/bin") tools ++ [ hostPath ]
  );
  # Runs one command; on failure prints the hint and stops the build.
  script = ''
    set -u
    cp -R "$src" "$out/src" 2>/dev/null || { mkdir -p "$out"; cp -R "$src" "$out/src"; }
    chmod -R u+w "$out/src"
    export HOME="$TMPDIR/home"; mkdir -p "$HOME"
    cd "$out/src"
    i=0
    while IFS= read -r cmd <&3 || [ -n "$cmd" ]; do
      echo "build.run[$i]: $cmd" | tee -a "$out/build-run.log"
      status=0
      sh -c "$cmd" >>"$out/build-run.log" 2>&1 || status=$?
      if [ "$status" -ne 0 ]; then
        tail -n 20 "$out/build-run.log" >&2
        echo "cognix: build.run[$i] failed (exit $status): $cmd" >&2
        echo "cognix: build.run commands run without network. If this command downloads something, express it instead as:" >&2
        echo "  - a Python package: add it to the requirements (or a [tool.uv.sources] entry) and run \`cognix lock\`;" >&2
        echo "  - a model weight: a \`weights\` entry in cog.yaml (locked with \`cognix lock\`);" >&2
        echo "  - any other file or repository: a fixed-output fetch with its hash (fetchurl/fetchgit) passed to the image." >&2
        exit 1
      fi
      i=$((i + 1))
    done 3<"$commandsTextPath"
  '';
in
if withSecrets != [ ] then
  throw "cognix: build.run command `${commandOf (builtins.head withSecrets)}` mounts a secret; secrets cannot be given to a reproducible build. Fetch what it needs as a fixed-output derivation instead."
else
  builtins.derivation (
    {
      inherit name system src;
      builder = shell;
      args = [
        "-c"
        ''
          mkdir -p "$out"
          ${script}
        ''
      ];
      commandsText = lib.concatMapStrings (c: "${lib.replaceStrings [ "\n" ] [ " " ] (commandOf c)}\n") commands;
      passAsFile = [ "commandsText" ];
      PATH = binPath;
      LANG = "C.UTF-8";
      TZ = "UTC";
      SOURCE_DATE_EPOCH = "315532800";
      # No network: proxies to a closed port, package tools offline.
      http_proxy = "http://127.0.0.1:9";
      https_proxy = "http://127.0.0.1:9";
      HTTP_PROXY = "http://127.0.0.1:9";
      HTTPS_PROXY = "http://127.0.0.1:9";
      ALL_PROXY = "http://127.0.0.1:9";
      all_proxy = "http://127.0.0.1:9";
      no_proxy = "";
      PIP_NO_INDEX = "1";
      PIP_DISABLE_PIP_VERSION_CHECK = "1";
      UV_OFFLINE = "1";
      HF_HUB_OFFLINE = "1";
      GIT_TERMINAL_PROMPT = "0";
    }
    // lib.optionalAttrs (venv != null) { VIRTUAL_ENV = "${venv}"; }
    // env
  )
