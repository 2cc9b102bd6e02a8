# Builds a model's Python environment with a stub package set made of
# builtins.derivation and host tools: every locked distribution becomes a
# store path of its own (a placeholder wheel install recording its wheel file,
# hash and patchelf search paths) and the venv links them together, as
# pyproject.nix's mkVirtualEnv does. No network, no nixpkgs.
{
  workspaceRoot,
  pythonVersion,
  system ? builtins.currentSystem,
}:
let
  inputs = import ../inputs.nix { };
  lib = import (inputs.nixpkgs-lib.outPath + "/lib");
  py = import ../default.nix { inherit lib inputs; };
  loaded = py.load { inherit workspaceRoot pythonVersion; };
  recording = import ./recording-set.nix { inherit lib; inherit (loaded) pythonInfo; };
  recorded = recording.apply (py.overlayStack loaded [ ]);
  # What the venv holds: the lock's distributions, and pip when the lock has none.
  names = loaded.packages ++ lib.optional loaded.addsPip "pip";

  sh = "/bin/sh";
  path = "/usr/bin:/bin";

  # Wheel sizes as uv recorded them: big wheels get a big placeholder so a
  # layer planner sees the same big/small split as with the real ones.
  wheelSize =
    name: drv:
    let
      entries = lib.filter (p: p.name == name && p.version == drv.version) loaded.rawLock.package;
      wheels = lib.concatMap (p: p.wheels or [ ]) entries;
      match = lib.findFirst (w: w.url == drv.src.url) { } wheels;
    in
    # download.pytorch.org serves no sizes; its wheels are the big ones.
    match.size or (if lib.hasPrefix "https://download.pytorch.org/" (drv.src.url or "") then bigWheel + 1 else 0);
  bigPayload = 5 * 1024 * 1024;
  bigWheel = 4 * 1024 * 1024;

  # The wheel itself is not fetched: a placeholder named after it stands in.
  placeholderSrc =
    src:
    builtins.derivation {
      name = lib.strings.sanitizeDerivationName (src.name or (baseNameOf src.url));
      inherit system;
      builder = sh;
      args = [ "-c" "echo \"$url $hash\" > $out" ];
      url = src.url;
      hash = src.hash;
      PATH = path;
    };

  # Real derivations in dependency order: built[name] uses built[sibling].
  built = lib.mapAttrs (
    name: _:
    let
      drv = recorded.${name};
      siblings = drv.passthru.cognixOverride.siblings or [ ];
      deps = builtins.attrNames (drv.passthru.dependencies or { });
    in
    builtins.derivation {
      name = "${name}-${drv.version}";
      inherit system;
      builder = sh;
      PATH = path;
      src = placeholderSrc drv.src;
      site = loaded.pythonInfo.sitePackages;
      pname = name;
      version = drv.version;
      searchPaths = map (s: "${built.${s}}/${loaded.pythonInfo.sitePackages}") siblings;
      requires = deps;
      payloadBytes = if wheelSize name drv > bigWheel then bigPayload else 1024;
      args = [
        "-c"
        ''
          set -e
          d=$out/$site/$pname-$version.dist-info
          mkdir -p $out/$site/$pname $d
          echo "# $pname" > $out/$site/$pname/__init__.py
          printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$pname" "$version" > $d/METADATA
          cp $src $d/WHEEL_SOURCE
          head -c $payloadBytes /dev/zero > $out/$site/$pname/payload.bin
          for p in $searchPaths; do echo "$p" >> $d/RPATH; done
        ''
      ];
    }
  ) (lib.genAttrs names (_: null));

  venv = builtins.derivation {
    name = "cog-python-env";
    inherit system;
    builder = sh;
    PATH = path;
    site = loaded.pythonInfo.sitePackages;
    packages = map (n: built.${n}) names;
    args = [
      "-c"
      ''
        set -e
        mkdir -p $out/bin $out/$site
        for p in $packages; do
          for e in $p/$site/*; do ln -s $e $out/$site/; done
        done
        cat > $out/bin/python <<'EOF'
        #!/bin/sh
        if [ "$1 $2" = "-m cog.command.openapi_schema" ]; then
          echo '{"openapi": "3.0.2", "info": {"title": "Cog", "version": "0.1.0"}, "paths": {}}'
          exit 0
        fi
        echo "stub python: $*"
        EOF
        chmod +x $out/bin/python
        # A builtin last: a shell that execs coreutils as its last command
        # lets it close stdout before exiting, and Nix then kills it (signal 9).
        :
      ''
    ];
  };
in
{
  inherit venv;
  packages = built;
  # name -> whether its wheel is big enough to deserve a layer of its own.
  big = lib.mapAttrs (name: _: wheelSize name recorded.${name} > bigWheel) built;
}
