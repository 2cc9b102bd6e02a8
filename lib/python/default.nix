# Python environments from uv.lock: lock checks, resolution for a target
# interpreter, the pip-freeze label, and the uv2nix overlay with cognix's
# overrides. Everything here evaluates with `lib` only; derivations appear only
# when the overlay is applied to a real pyproject.nix package set.
{
  lib,
  # Flake inputs (or their store paths): pyproject-nix, uv2nix, pyproject-build-systems.
  inputs,
}:
let
  inherit (lib)
    attrNames
    concatMap
    concatStringsSep
    filter
    optional
    sort
    toLower
    ;

  pyproject-nix = import ((inputs.pyproject-nix.outPath or inputs.pyproject-nix) + "/default.nix") {
    inherit lib;
  };
  uv2nix = import ((inputs.uv2nix.outPath or inputs.uv2nix) + "/lib") { inherit lib pyproject-nix; };
  buildSystems = import ((inputs.pyproject-build-systems.outPath or inputs.pyproject-build-systems) + "/default.nix") {
    inherit lib pyproject-nix;
    uv2nix = { lib = uv2nix; };
  };

  inherit (pyproject-nix.lib) pep440 pep508;

  mkPythonInfo = import ./python-info.nix { inherit lib; };

  # The Python minors cognix builds images for, shared with `cognix generate`.
  pythons = lib.importJSON ../data/pythons.json;
  supportedMinors = pythons.supported;

  fail = msg: throw "cognix: ${msg}";

  # Every artifact uv recorded must carry a hash: a hashless entry would make
  # the build depend on whatever the index serves on the day.
  checkHashes =
    lockFile: rawLock:
    let
      missing = concatMap (
        pkg:
        let
          src = pkg.source or { };
          remote = src ? registry || src ? url;
          wheels = filter (w: !(w ? hash)) (pkg.wheels or [ ]);
          sdist = optional ((pkg ? sdist) && !(pkg.sdist ? hash)) pkg.sdist;
        in
        optional (remote && (wheels != [ ] || sdist != [ ])) {
          name = pkg.name;
          version = pkg.version or "?";
          files = map (f: f.url or f.path or "?") (wheels ++ sdist);
        }
      ) (rawLock.package or [ ]);
      describe = m: "  ${m.name} ${m.version}: ${concatStringsSep ", " (map baseNameOf m.files)}";
    in
    if missing == [ ] then
      true
    else
      fail ''
        ${toString lockFile}: ${toString (builtins.length missing)} package(s) have files without a hash:
        ${concatStringsSep "\n" (map describe missing)}
        cognix requires a hash for every wheel and sdist; re-run `cognix lock` (uv records hashes for every index that serves them).'';

  checkPython =
    lockFile: rawLock: version:
    let
      parts = lib.splitString "." version;
      minor = concatStringsSep "." (lib.take 2 parts);
      requires = rawLock.requires-python or "";
      conds = if requires == "" then [ ] else pep440.parseVersionConds requires;
      admits = v: lib.all (c: pep440.comparators.${c.op} (pep440.parseVersion v) c.version) conds;
      # A bare minor is whichever patch release the interpreter turns out to
      # be: the lock fits when some patch of that minor satisfies it.
      ok = if builtins.length parts >= 3 then admits version else lib.any (p: admits "${minor}.${toString p}") (lib.range 0 99);
    in
    if pythons.unsupported ? ${minor} then
      fail "Python ${minor} is not supported: ${pythons.unsupported.${minor}}; cognix builds ${concatStringsSep ", " supportedMinors}."
    else if !(lib.elem minor supportedMinors) then
      fail "Python ${version} is not supported; cognix builds ${concatStringsSep ", " supportedMinors}."
    else if !ok then
      fail "${toString lockFile}: requires-python = \"${requires}\" does not admit Python ${version} (cog.yaml build.python_version). Re-run `cognix lock` after changing the Python version."
    else
      true;

  # pip freeze leaves out pip itself, and setuptools/wheel/distribute before 3.12.
  freezeSkips =
    version:
    [ "pip" ]
    ++ lib.optionals (lib.versionOlder version "3.12") [
      "setuptools"
      "wheel"
      "distribute"
    ];

  # A package uv builds from the local tree, not from an index or URL (lib/data/uv-lock.json).
  isLocal = pkg: lib.any (k: pkg.source ? ${k}) (lib.importJSON ../data/uv-lock.json).localSource;

  lockChanges = import ./freshness.nix { inherit lib pyproject-nix; };
in
rec {
  inherit pyproject-nix uv2nix buildSystems mkPythonInfo pythons supportedMinors lockChanges;

  overrides = import ./overrides { inherit lib; };

  buildRun = import ./build-run.nix { inherit lib; };

  /**
    Load and check a model's lock for an interpreter version: hashes, Python,
    freshness against pyproject.toml. Returns the installed `packages`,
    `versions`, `dependencies` (transitive), `pipFreeze`, the uv2nix `overlay`,
    `cognixOverlay`, `spec`/`venvSpec` and `addsPip`. `resolved` is what uv2nix
    resolved (a superset when extras are involved).
  */
  load =
    {
      workspaceRoot,
      pythonVersion,
      system ? "x86_64-linux",
      # Which extras/groups of the project to install, e.g. { my-model = [ "cpu" ]; };
      # null means the project's default dependencies.
      dependencies ? null,
      # Refuse a uv.lock whose requirements differ from pyproject.toml's.
      checkFresh ? true,
    }:
    let
      lockFile = workspaceRoot + "/uv.lock";
      rawLock =
        if builtins.pathExists lockFile then
          lib.importTOML lockFile
        else
          fail "${toString lockFile} not found; run `cognix lock` to create it.";
      pyprojectFile = workspaceRoot + "/pyproject.toml";
      staleness =
        if checkFresh && builtins.pathExists pyprojectFile then
          lockChanges {
            pyproject = lib.importTOML pyprojectFile;
            inherit rawLock;
          }
        else
          [ ];
      checked =
        assert checkHashes lockFile rawLock;
        assert checkPython lockFile rawLock pythonVersion;
        assert
          staleness == [ ]
          || fail ''
            ${toString lockFile} is stale: pyproject.toml changed since it was locked; run `cognix lock`.
            ${concatStringsSep "\n" (map (c: "  ${c}") staleness)}'';
        true;
      workspace = uv2nix.workspace.loadWorkspace { inherit workspaceRoot; };
      pythonInfo = mkPythonInfo { version = pythonVersion; inherit system; };
      spec = if dependencies == null then workspace.deps.default else dependencies;
      lock = uv2nix.lock1.parseLock rawLock;
      # uv's resolution markers name selected conflicting extras/groups as
      # extra-<len>-<package>-<extra> / group-<len>-<package>-<group>.
      conflictExtras = concatMap (concatMap (
        def:
        let
          chosen = def.extra or def.group or null;
          len = toString (lib.stringLength def.package);
        in
        if !(lib.elem chosen (spec.${def.package} or [ ])) then
          [ ]
        else if def ? group then
          [ "group-${len}-${def.package}-${def.group}" ]
        else
          [ "extra-${len}-${def.package}-${def.extra}" ]
      )) (lock.conflicts or [ ]);
      environ = pep508.setEnviron (pep508.mkEnviron pythonInfo) { extra = conflictExtras; };
      resolved = uv2nix.lock1.resolveDependencies {
        lock = uv2nix.lock1.filterConflicts { inherit lock spec; };
        inherit environ;
        dependencies = attrNames spec;
      };
      # uv2nix resolves every package any extra could need; the environment
      # gets the closure of the spec: dependencies, plus the optional
      # dependencies (or groups) of each extra actually requested.
      depsFor =
        name: extra:
        let
          pkg = resolved.${name};
        in
        if extra == "" then
          pkg.dependencies or [ ]
        else
          pkg.optional-dependencies.${extra} or pkg.dev-dependencies.${extra} or [ ];
      itemsOf =
        dep: map (extra: { key = "${dep.name}[${extra}]"; inherit (dep) name; inherit extra; }) ([ "" ] ++ dep.extra or [ ]);
      installedNames = lib.unique (
        map (i: i.name) (
          builtins.genericClosure {
            startSet = concatMap (name: itemsOf { inherit name; extra = spec.${name}; }) (attrNames spec);
            operator = item: concatMap itemsOf (depsFor item.name item.extra);
          }
        )
      );
      installed = lib.genAttrs installedNames (name: resolved.${name});
      remote = lib.filterAttrs (_: pkg: !isLocal pkg) installed;
      directDeps = name: lib.filter (n: remote ? ${n}) (map (d: d.name) (depsFor name ""));
      # name -> every package it depends on, transitively (cycles allowed).
      closure = lib.mapAttrs (
        name: _:
        map (e: e.key) (
          builtins.genericClosure {
            startSet = map (key: { inherit key; }) (directDeps name);
            operator = item: map (key: { inherit key; }) (directDeps item.key);
          }
        )
      ) remote;
    in
    assert checked;
    {
      inherit workspace rawLock resolved environ spec pythonInfo;
      # Names of the distributions installed from the lock (the model itself excluded).
      packages = sort (a: b: a < b) (attrNames remote);
      versions = lib.mapAttrs (_: pkg: pkg.version) remote;
      # Replicate runs `pip install cog==X` at start: the environment always has
      # pip, from build-system-pkgs when the lock has none.
      addsPip = !(remote ? pip);
      venvSpec = spec // lib.optionalAttrs (!(remote ? pip)) { pip = [ ]; };
      # No `pythonVersion`: uv2nix then evaluates markers and requires-python
      # against the interpreter the environment is built with, patch included.
      overlay = workspace.mkPyprojectOverlay {
        sourcePreference = "wheel";
        dependencies = spec;
      };
      dependencies = closure;
      cognixOverlay = overrides.overlay {
        packageNames = attrNames remote;
        dependencies = closure;
        inherit (pythonInfo) sitePackages;
      };
      pipFreeze = pipFreeze {
        inherit pythonVersion;
        versions = lib.mapAttrs (_: pkg: pkg.version) remote;
      };
    };

  /**
    The `run.cog.pip_freeze` label: `name==version` per installed distribution,
    sorted case-insensitively like pip, names as normalised in the lock.
  */
  pipFreeze =
    { versions, pythonVersion }:
    let
      names = filter (n: !(lib.elem n (freezeSkips pythonVersion))) (attrNames versions);
      sorted = sort (a: b: toLower a < toLower b) names;
    in
    concatStringsSep "" (map (n: "${n}==${versions.${n}}\n") sorted);

  /**
    The overlays a package set gets, in order: build systems (wheels), the
    lock, cognix's overrides, then the model's own.
  */
  overlayStack =
    loaded: extraOverlays:
    [
      buildSystems.wheel
      loaded.overlay
      loaded.cognixOverlay
    ]
    ++ extraOverlays;

  /**
    Build the virtual environment with a real nixpkgs: pyproject.nix's package
    set for `python`, the build systems, the lock's overlay, cognix's overrides
    and the user's overlays, in that order.
  */
  mkVenv =
    {
      pkgs,
      python,
      loaded,
      extraOverlays ? [ ],
      name ? "cog-python-env",
    }:
    let
      base = pkgs.callPackage pyproject-nix.build.packages { inherit python; };
      set = base.overrideScope (lib.composeManyExtensions (overlayStack loaded extraOverlays));
    in
    {
      inherit set;
      venv = set.mkVirtualEnv name loaded.venvSpec;
      packages = map (n: set.${n}) loaded.packages;
    };
}
