# A stand-in for nixpkgs' stdenv.mkDerivation and setup hooks, enough for the
# Python package set of pyproject.nix (pkgs.callPackage
# pyproject-nix.build.packages) with uv2nix's overlay on top, unchanged.
#
# nixpkgs runs a derivation's phases from the setup hooks in its
# nativeBuildInputs. Here each hook pyproject.nix declares (with
# makeSetupHook, which records its name and substitutions) maps to the same
# step done the same way:
#   pyproject-wheel-dist-hook  a prebuilt wheel becomes dist/<wheel>
#   pyproject-install-hook     `uv pip install --offline --no-deps --prefix $out`
#                              with the hook's own uv and interpreter
#   pyproject-make-venv-hook   pyproject.nix's own make_venv.py
#   auto-patchelf-hook         auto-patchelf.py: run paths to buildInputs'
#                              lib/ and addAutoPatchelfSearchPath directories
# Building from an sdist (pyproject-build-hook) is refused: the offline set
# installs wheels only.
{
  lib,
  system,
  bash,
  hostPath,
  python3,
  runCommand,
  platform,
  cc,
}:
let
  inherit (lib) concatMap filter isDerivation isFunction;

  # nixpkgs' cc-wrapper in small: the host's gcc, linking against the store's
  # glibc (dynamic linker and run path), so what it builds runs in an image.
  ccWrapper = runCommand "gcc-wrapper" { } ''
    mkdir -p "$out/bin"
    cat > "$out/bin/cc" <<EOF
    #!${bash}
    exec /usr/bin/gcc "\$@" -Wl,--dynamic-linker=${cc.bintools.dynamicLinker} -Wl,-rpath,${cc.libc}/lib
    EOF
    chmod 0555 "$out/bin/cc"
    ln -s cc "$out/bin/gcc"
  '';

  makeSetupHook =
    {
      name,
      substitutions ? { },
      propagatedBuildInputs ? [ ],
      deps ? [ ],
      passthru ? { },
      meta ? { },
    }:
    _script:
    runCommand name { } ''touch "$out"''
    // passthru
    // {
      hookName = name;
      inherit substitutions;
      propagatedBuildInputs = propagatedBuildInputs ++ deps;
    };

  autoPatchelfHook = makeSetupHook { name = "auto-patchelf-hook"; } null;

  # Hook names of a derivation's nativeBuildInputs, with what they propagate.
  hooksOf =
    inputs:
    concatMap (
      i: if i ? hookName then [ i ] ++ hooksOf (i.propagatedBuildInputs or [ ]) else [ ]
    ) (filter (i: i != null) inputs);

  supported = [
    "pyproject-hook"
    "pyproject-configure-hook"
    "pyproject-wheel-dist-hook"
    "pyproject-install-hook"
    "pyproject-output-setup-hook"
    "pyproject-make-venv-hook"
    "auto-patchelf-hook"
  ];

  # nixpkgs turns attributes into environment variables the same way.
  toEnv =
    v:
    if v == null then
      null
    else if builtins.isBool v then
      (if v then "1" else "")
    else if builtins.isList v then
      lib.concatMapStringsSep " " toString (filter (x: x != null) v)
    else if builtins.isInt v || builtins.isString v || builtins.isPath v || isDerivation v then
      v
    else
      null;

  realise =
    attrs:
    let
      name = attrs.name or "${attrs.pname}-${attrs.version}";
      hooks = hooksOf (attrs.nativeBuildInputs or [ ]);
      names = lib.unique (map (h: h.hookName) hooks);
      hook = n: lib.findFirst (h: h.hookName == n) null hooks;
      unsupported = filter (n: !(lib.elem n supported)) names;
      install = hook "pyproject-install-hook";
      venv = hook "pyproject-make-venv-hook";
      libDirs = map (p: "${lib.getLib p}/lib") (
        filter (p: p != null && !(p ? hookName)) (attrs.buildInputs or [ ] ++ attrs.propagatedBuildInputs or [ ])
      );
      env = lib.filterAttrs (_: v: v != null) (
        lib.mapAttrs (_: toEnv) (
          removeAttrs attrs [
            "passthru"
            "meta"
            "nativeBuildInputs"
            "buildInputs"
            "propagatedBuildInputs"
            "env"
            "name"
            "system"
            "builder"
            "args"
          ]
        )
        // lib.mapAttrs (_: toEnv) (attrs.env or { })
      );
    in
    if unsupported != [ ] then
      throw "offline package set: ${name} needs the setup hook(s) ${lib.concatStringsSep ", " unsupported}, which it does not run${lib.optionalString (lib.elem "pyproject-build-hook" unsupported) ": it would be built from its sdist, and the offline set installs wheels only"}"
    else
      derivation (
        env
        // {
          inherit name system;
          builder = bash;
          args = [ ./stdenv-builder.sh ];
          PATH = "${ccWrapper}/bin:${hostPath}";
          cognixHooks = names;
          cognixLibDirs = libDirs;
          cognixPython = python3;
          cognixAutoPatchelf = "${./py}/auto-patchelf.py";
        }
        // lib.optionalAttrs (install != null) {
          cognixUv = "${install.substitutions.uv}/bin/uv";
          cognixInstallPython = install.substitutions.pythonInterpreter;
        }
        // lib.optionalAttrs (venv != null) {
          cognixMakeVenv = venv.substitutions.makeVenvScript;
          cognixVenvPython = venv.substitutions.pythonInterpreter;
          cognixVenvTarget = venv.substitutions.python;
        }
      );

  # stdenv.mkDerivation: attrs or (finalAttrs: attrs), with overrideAttrs
  # taking (old: …) or (final: prev: …), as in nixpkgs.
  mkDerivation =
    fattrs:
    let
      toFn = f: if isFunction f then f else (_: f);
      make =
        fn:
        let
          attrs = lib.fix fn;
          drv = realise attrs;
        in
        drv
        // (attrs.passthru or { })
        // {
          pname = attrs.pname or null;
          version = attrs.version or null;
          src = attrs.src or null;
          passthru = attrs.passthru or { };
          meta = attrs.meta or { };
          overrideAttrs =
            f:
            make (
              lib.extends (
                final: prev:
                let
                  r = f prev;
                in
                if isFunction r then f final prev else r
              ) fn
            );
        };
    in
    make (toFn fattrs);
in
{
  inherit makeSetupHook autoPatchelfHook mkDerivation;
  stdenv = {
    inherit mkDerivation;
    cc = cc // { outPath = ccWrapper.outPath; };
    inherit (platform) isLinux isDarwin;
    hostPlatform = platform;
    buildPlatform = platform;
    targetPlatform = platform;
    shell = bash;
  };
}
