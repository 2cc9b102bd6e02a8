# nixpkgs' trivial builders (pkgs/build-support/trivial-builders/default.nix)
# with the same names and arguments, built by the host's bash and coreutils.
{ lib, system, bash, hostPath }:
let
  # Structured-attrs builds (exportReferencesGraph) read their environment
  # from .attrs.sh, as nixpkgs' stdenv does.
  prelude = ''
    set -eu
    if [ -e "''${NIX_BUILD_TOP:-.}/.attrs.sh" ]; then
      source "$NIX_BUILD_TOP/.attrs.sh"
      out="''${outputs[out]}"
      export NIX_ATTRS_JSON_FILE="$NIX_BUILD_TOP/.attrs.json"
    fi
    export PATH=${hostPath}
  '';

  runCommand =
    name: env: script:
    derivation (
      {
        inherit name system;
        outputs = [ "out" ];
        builder = bash;
        # The trailing builtin keeps bash from exec-ing the script's last
        # command in place of the builder process.
        args = [ "-c" (prelude + script + "\n:\n") ];
      }
      // removeAttrs env [ "passthru" "meta" ]
    )
    // (env.passthru or { });

  writeTextFile =
    { name, text, executable ? false, destination ? "" }:
    runCommand name { inherit text; passAsFile = [ "text" ]; } ''
      target="$out${destination}"
      mkdir -p "$(dirname "$target")"
      cp "$textPath" "$target"
      ${lib.optionalString executable ''chmod 0555 "$target"''}
    '';

  writeText = name: text: writeTextFile { inherit name text; };

  writeShellScript =
    name: text:
    writeTextFile {
      inherit name;
      executable = true;
      text = "#!${bash}\n${text}";
    };

  writeShellScriptBin =
    name: text:
    writeTextFile {
      inherit name;
      executable = true;
      destination = "/bin/${name}";
      text = "#!${bash}\n${text}";
    };

  symlinkJoin =
    { name, paths, ... }:
    runCommand name { inherit paths; } ''
      mkdir -p "$out"
      for p in $paths; do
        cp -rs --no-preserve=mode --remove-destination "$p/." "$out/"
      done
    '';
in
{
  inherit runCommand writeTextFile writeText writeShellScript writeShellScriptBin symlinkJoin;
}
