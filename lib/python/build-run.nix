# cog.yaml `build.run` commands as a build step: each command runs, in order,
# in a copy of the model source (the future /src) with the model's Python
# environment, system packages and coreutils on PATH. The result is the
# source tree after the commands ($out/src, which becomes /src) and their log.
#
# No network: a Nix sandbox has none; where the sandbox is off (the offline
# package set builds as root), each command also runs in a network namespace
# of its own when `unshare` can make one, and every proxy variable points at a
# closed port with pip/uv/Hugging Face set offline. A failing command is
# reported with how to express what it tried to download.
#
# The builder is the package set's shell (`pkgs.runtimeShell`) and the tools
# are store paths: a real sandbox exposes nothing else.
{ lib }:
{
  name ? "cog-build-run",
  system,
  # build.run entries from cognix.json: [ { command; mounts; } ] or strings.
  commands,
  # The model directory (already filtered as /src is).
  src,
  # A shell (store path of an executable) running the step and the commands.
  shell,
  # Packages whose bin/ is put on PATH, first to last (the Python environment first).
  tools ? [ ],
  env ? { },
}:
let
  commandOf = c: if builtins.isString c then c else c.command;
  withSecrets = lib.filter (c: !(builtins.isString c) && (c.mounts or [ ]) != [ ]) commands;
  multiline = lib.filter (c: lib.hasInfix "\n" (lib.trim (commandOf c))) commands;
  binPath = lib.concatMapStringsSep ":" (t: "${t}/bin") tools;
  # Runs one command; on failure prints the hint and stops the build.
  script = ''
    set -u
    mkdir -p "$out"
    cp -R "$src" "$out/src"
    chmod -R u+w "$out/src"
    export HOME="$TMPDIR/home"
    mkdir -p "$HOME"
    cd "$out/src"
    # Where the sandbox is off (root, no sandbox), a network namespace of its own.
    isolate=""
    if [ -x /usr/bin/unshare ] && /usr/bin/unshare --net true 2>/dev/null; then isolate="/usr/bin/unshare --net"; fi
    i=0
    while IFS= read -r cmd <&3 || [ -n "$cmd" ]; do
      echo "build.run[$i]: $cmd" | tee -a "$out/build-run.log"
      status=0
      $isolate "$shell" -c "$cmd" >>"$out/build-run.log" 2>&1 || status=$?
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
else if multiline != [ ] then
  throw "cognix: build.run command `${commandOf (builtins.head multiline)}` contains a new line; give each command its own list item, as Cog requires."
else
  builtins.derivation (
    {
      inherit name system src shell;
      builder = shell;
      args = [
        "-c"
        script
      ];
      commandsText = lib.concatMapStrings (c: "${lib.trim (commandOf c)}\n") commands;
      passAsFile = [ "commandsText" ];
      PATH = binPath;
      LANG = "C.UTF-8";
      TZ = "UTC";
      SOURCE_DATE_EPOCH = "315532800";
      PYTHONDONTWRITEBYTECODE = "1";
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
    // env
  )
