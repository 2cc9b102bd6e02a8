# The OCI image: Cog's runtime contract (tini, `python -m cog.server.http`,
# port 5000, /src), a small root filesystem, and the hand-off of the closure
# to the image tool. The other modules put what they need in the image through
# the options here (`image.src`, `image.srcFiles`, `image.env`, `image.path`,
# `image.contents`, `image.ownLayers`, `image.extraRoot`, `image.launcher`,
# `image.labels`, `image.jsonLabels`, `image.bom`); this module reads no other
# module's options but `cog.config`. Options evaluate with `lib`; `pkgs` is
# forced only by the derivations (`image.tool`, `image.spec`, `image.package`, ...).
{
  lib,
  config,
  pkgs,
  cognix,
  ...
}:
let
  inherit (lib)
    mkOption
    mkDefault
    mkPackageOption
    types
    literalExpression
    ;
  cfg = config.image;
  # Cog's server for a training image: the example of both image.serverCommand and image.cmd.
  trainServer = [
    "python"
    "-m"
    "cog.server.http"
    "--x-mode"
    "train"
  ];
  systemPackages = config.cog.config.systemPackages or [ ];

  # The nixpkgs attributes of one cognix.json entry: the flake's
  # image.aptMapping and image.ignoreApt win over cognix's mapping.
  attrsOf =
    entry: if lib.elem entry.apt cfg.ignoreApt then [ ] else cfg.aptMapping.${entry.apt} or entry.nix;

  # One record per nixpkgs attribute of cognix.json's system packages.
  systemPackageRefs = lib.concatMap (
    entry:
    map (attr: {
      inherit attr;
      inherit (entry) apt;
    }) (attrsOf entry)
  ) systemPackages;
  lookup = ref: cognix.lookupPackage pkgs ref.attr;

  # The image's name: the last path component of cog.yaml `image`, without tag.
  defaultName =
    let
      ref = config.cog.config.image or null;
      last = if ref == null then null else lib.last (lib.splitString "/" ref);
      bare =
        if last == null then
          null
        else
          builtins.head (lib.splitString ":" (builtins.head (lib.splitString "@" last)));
      # Cog's name for a model with no `image:` (config.DockerImageName):
      # cog-<directory>, lowercased, spaces as dashes, other characters
      # dropped, at most 30 characters. cognix.json carries the directory's
      # name: the flake's copy of it is called "source".
      dir = config.cog.config.source.directory or null;
      kept = lib.concatStrings (
        builtins.filter (c: builtins.match "[a-z0-9-]" c != null) (
          lib.stringToCharacters (lib.toLower (builtins.replaceStrings [ " " ] [ "-" ] dir))
        )
      );
      short = builtins.substring 0 26 kept;
      cogDefault =
        if dir == null then
          "cog-model"
        else if lib.hasPrefix "cog-" short then
          short
        else
          "cog-${short}";
    in
    if bare == null || bare == "" then cogDefault else bare;

  passwd = ''
    root:x:0:0:root:/root:/bin/sh
    nobody:x:65534:65534:nobody:/nonexistent:/bin/false
  '';
  group = ''
    root:x:0:
    nobody:x:65534:
  '';

  # glibc's lookups read /etc/hosts before DNS only when told so; without this
  # file, "localhost" would go to DNS (Cog's server looks it up at start).
  nsswitch = ''
    passwd: files
    group: files
    shadow: files
    hosts: files dns
    networks: files
    protocols: files
    services: files
  '';

  dir = path: mode: {
    inherit path mode;
    type = "dir";
  };
  link = path: target: {
    inherit path target;
    type = "symlink";
  };
  file = path: mode: content: {
    inherit path mode content;
    type = "file";
  };

  profile = pkgs.symlinkJoin {
    name = "${cfg.name}-profile";
    paths = lib.unique ([
      cfg.shell
      cfg.coreutils
    ] ++ cfg.systemPackages);
  };

  # What the image config holds at evaluation time; `image.jsonLabels` are
  # added during the build.
  evalConfig = {
    Entrypoint = cfg.entrypoint;
    Cmd = cfg.cmd;
    Env = lib.mapAttrsToList (n: v: "${n}=${v}") cfg.env;
    WorkingDir = cfg.workingDir;
    ExposedPorts = lib.genAttrs cfg.exposedPorts (_: { });
    Labels = cfg.labels;
    User = cfg.user;
  };

  baseConfigFile = pkgs.writeText "${cfg.name}-config-base.json" (builtins.toJSON evalConfig);

  # Adds each label of `image.jsonLabels` (its file's JSON, compact) unless
  # `image.labels` has it. Arguments: base config, output, then name and file pairs.
  mergeLabels = pkgs.writeText "merge-json-labels.mjs" ''
    import { readFileSync, writeFileSync } from "node:fs";
    const [base, out, ...pairs] = process.argv.slice(2);
    const config = JSON.parse(readFileSync(base, "utf8"));
    for (let i = 0; i < pairs.length; i += 2) {
      const [name, file] = [pairs[i], pairs[i + 1]];
      let value;
      try {
        value = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        console.error("label " + name + ": " + file + " is not valid JSON: " + e.message);
        process.exit(1);
      }
      if (!(name in config.Labels)) config.Labels[name] = JSON.stringify(value);
    }
    writeFileSync(out, JSON.stringify(config));
  '';

  node = "${cfg.nodejs}/bin/node";

  # `image.src` plus `image.srcFiles`.
  srcTree = pkgs.runCommand "${cfg.name}-src" { } (
    ''
      cp -R ${cfg.src} "$out"
      chmod -R u+w "$out"
    ''
    + lib.concatStrings (
      lib.mapAttrsToList (rel: source: ''
        mkdir -p "$(dirname "$out/${rel}")"
        cp ${source} "$out/${rel}"
      '') cfg.srcFiles
    )
  );

  configFile = pkgs.runCommand "${cfg.name}-config.json" { } ''
    ${node} ${mergeLabels} ${baseConfigFile} "$out" ${
      lib.escapeShellArgs (lib.concatLists (lib.mapAttrsToList (n: f: [ n "${f}" ]) cfg.jsonLabels))
    }
  '';

  # The SBOM's facts beyond the closure graph (modules/image/sbom.nix), from
  # the same roots as the closure plus what their store paths were built from.
  sbomInputs = import ./sbom.nix {
    inherit lib config;
    roots =
      [
        profile
        srcTree
        cfg.tini
        cfg.cacert
        cfg.shell
        cfg.coreutils
        (pkgs.glibc or null)
      ]
      ++ cfg.systemPackages
      ++ cfg.contents
      ++ cfg.bom.roots
      # What wheels are patched to load (auto-patchelf), reached through no input list.
      ++ (pkgs.pythonManylinuxPackages.manylinux2014 or [ ]);
  };
  sbomInputsFile = pkgs.writeText "${cfg.name}-sbom-inputs.json" (
    builtins.unsafeDiscardStringContext (builtins.toJSON sbomInputs)
  );

  rootFile = pkgs.writeText "${cfg.name}-root.json" (
    builtins.toJSON {
      entries = cfg.root ++ cfg.extraRoot;
      ownLayer = map toString cfg.ownLayers;
    }
  );

  script = pkgs.runCommand cfg.name { } ''
    cat > "$out" <<'COGNIX_EOF'
    #!${pkgs.runtimeShell}
    # ${cfg.name}: the image as a command. `load` writes a docker-archive to stdout.
    set -eu
    tool=${cfg.tool}/bin/cognix-image
    spec=${cfg.spec}
    usage() {
      echo "usage: $0 load [-o FILE] | oci DIR [--archive FILE] | push REF [--insecure] [--json] | spec | sbom [--format cyclonedx|spdx] [-o FILE]" >&2
    }
    if [ $# -lt 1 ]; then usage; exit 2; fi
    cmd=$1
    shift
    case "$cmd" in
      load) exec "$tool" load --spec "$spec" "$@" ;;
      oci) exec "$tool" oci --spec "$spec" "$@" ;;
      push) exec "$tool" push --spec "$spec" "$@" ;;
      spec) exec cat "$spec" ;;
      sbom) exec "$tool" sbom --spec "$spec" --stored ${cfg.sbom} "$@" ;;
      -h|--help|help) usage ;;
      *) usage; exit 2 ;;
    esac
    COGNIX_EOF
    chmod 0555 "$out"
  '';

  rootEntry = types.attrsOf types.str;
in
{
  options.image = {
    name = mkOption {
      type = types.strMatching "[a-z0-9][a-z0-9._-]*";
      default = defaultName;
      description = "Name of the image derivation (and of `./result`).";
      defaultText = literalExpression "last path component of cog.yaml `image`, else cog-<model directory> as Cog names it";
      example = "resnet";
    };
    tag = mkOption {
      type = types.strMatching "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
      default = "latest";
      description = "Tag given to the image by `./result load` and `./result oci` (`image.name:image.tag`).";
      example = "v1";
    };
    entrypoint = mkOption {
      type = types.listOf types.str;
      default = [
        "/sbin/tini"
        "--"
      ];
      description = "Image Entrypoint. Cog runs its server under tini.";
    };
    serverCommand = mkOption {
      type = types.listOf types.str;
      default = [
        "python"
        "-m"
        "cog.server.http"
      ];
      description = "Cog's HTTP server command.";
      example = trainServer;
    };
    launcher = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = ''
        What the server command runs behind (the weights downloader when
        some weights are fetched at run time): `image.cmd` is
        `image.launcher ++ image.serverCommand`.
      '';
      example = [
        "python"
        "/src/.cog/weights_downloader.py"
        "--manifest"
        "/src/.cog/weights.json"
        "--"
      ];
    };
    cmd = mkOption {
      type = types.listOf types.str;
      default = cfg.launcher ++ cfg.serverCommand;
      description = "Image Cmd: the server command, behind `image.launcher`.";
      defaultText = literalExpression "image.launcher ++ image.serverCommand";
      example = trainServer;
    };
    workingDir = cognix.mkStrOption "/src" "Image WorkingDir.";
    exposedPorts = mkOption {
      type = types.listOf types.str;
      default = [ "5000/tcp" ];
      description = "Image ExposedPorts.";
    };
    user = mkOption {
      type = types.str;
      default = "";
      description = "Image User (empty: root, as in Cog's images).";
      example = "nobody";
    };
    env = mkOption {
      # Lazy, so listing names or reading one never builds another's store path.
      type = types.lazyAttrsOf types.str;
      description = "Image environment variables (sorted by name in the image config).";
      example = {
        HF_HOME = "/src/.hf";
      };
    };
    path = mkOption {
      type = types.listOf types.str;
      description = "Directories of the image's PATH (`image.env.PATH`), first to last; the Python environment's bin/ comes first.";
      example = literalExpression ''lib.mkBefore [ "/opt/tools/bin" ]'';
    };
    labels = mkOption {
      type = types.lazyAttrsOf types.str;
      description = ''
        Image labels. `image.jsonLabels` are added during the build unless
        set here. Override one with `lib.mkForce`.
      '';
      example = literalExpression ''{ "run.cog.version" = lib.mkForce "0.16.8"; }'';
    };
    jsonLabels = mkOption {
      type = types.attrsOf types.path;
      default = { };
      description = ''
        Labels whose value is a JSON file's content, written compact during
        the build (Nix would round its numbers), unless `image.labels` sets
        the same label: `run.cog.openapi_schema` from `cog.openapiSchema`.
      '';
    };
    systemPackages = mkOption {
      type = types.listOf types.package;
      description = "Packages on PATH (via /bin) in the image: cognix.json's system packages and any added.";
      defaultText = literalExpression "map (attr: pkgs.\${attr}) (the `nix` names of cognix.json's systemPackages)";
      example = literalExpression "[ pkgs.ffmpeg ]";
    };
    aptMapping = mkOption {
      type = types.attrsOf (types.listOf (types.strMatching "[A-Za-z_][A-Za-z0-9_'-]*([.][A-Za-z_][A-Za-z0-9_'-]*)*"));
      default = { };
      description = ''
        nixpkgs attribute paths for apt package names of cog.yaml's
        `build.system_packages`, in place of cognix's own mapping. `cognix
        generate` reads it for the names it cannot map (cog.yaml stays as it
        is); the image takes it for every name.
      '';
      example = literalExpression ''{ "libfoo-dev" = [ "foo" ]; }'';
    };
    ignoreApt = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = ''
        apt package names of cog.yaml's `build.system_packages` the image
        leaves out. `cognix generate` accepts them even when it cannot map
        them (cog.yaml stays as it is).
      '';
      example = [ "nvidia-cudnn" ];
    };
    contents = mkOption {
      type = types.listOf types.package;
      default = [ ];
      description = "Store paths put in the image closure without being linked into the root filesystem (the Python environment, CUDA libraries).";
      example = literalExpression "[ pkgs.hello ]";
    };
    ownLayers =
      cognix.mkListOption types.package
        "Store paths put in the image closure, each in a layer of its own (build-time weight sets), so that a code change leaves their digests alone.";
    src = mkOption {
      type = types.path;
      description = "The tree that becomes /src, in a layer of its own.";
      defaultText = literalExpression "cog.builtSource";
    };
    srcFiles = mkOption {
      type = types.attrsOf types.path;
      default = { };
      description = "Files added to /src, by path relative to it: the OpenAPI schema at `.cog/openapi_schema.json`, the weights manifest and downloader.";
      example = literalExpression ''{ ".cog/extra.json" = ./extra.json; }'';
    };
    shell = mkPackageOption pkgs "bashInteractive" { extraDescription = "It provides /bin/sh."; };
    coreutils = mkPackageOption pkgs "coreutils" {
      extraDescription = "Its tools are on PATH and provide /usr/bin/env.";
    };
    tini = mkPackageOption pkgs "tini" { extraDescription = "It is the init process at /sbin/tini."; };
    cacert = mkPackageOption pkgs "cacert" {
      extraDescription = "Its CA certificates are linked at /etc/ssl/certs/ca-certificates.crt.";
    };
    nodejs = mkPackageOption pkgs "nodejs" {
      extraDescription = "It runs the image tool at build time.";
    };
    typescript = mkPackageOption pkgs "typescript" {
      extraDescription = "Its compiler (`bin/tsc`) builds the image tool.";
    };
    maxLayers = mkOption {
      type = types.ints.between 2 125;
      default = 100;
      description = "Upper bound on the number of layers.";
    };
    root = mkOption {
      type = types.listOf rootEntry;
      default = [
        (dir "/bin" "0755")
        (link "/bin/sh" "${profile}/bin/sh")
        (dir "/etc" "0755")
        (file "/etc/group" "0644" group)
        (file "/etc/nsswitch.conf" "0644" nsswitch)
        (file "/etc/passwd" "0644" passwd)
        (dir "/etc/ssl" "0755")
        (dir "/etc/ssl/certs" "0755")
        (link "/etc/ssl/certs/ca-certificates.crt" "${cfg.cacert}/etc/ssl/certs/ca-bundle.crt")
        (dir "/root" "0700")
        (dir "/sbin" "0755")
        (link "/sbin/tini" "${cfg.tini}/bin/tini")
        # Its own layer: model code changes without touching the others.
        {
          path = "/src";
          type = "copy";
          source = "${srcTree}";
          layer = "own";
        }
        (dir "/tmp" "1777")
        (dir "/usr" "0755")
        (link "/usr/bin" "${profile}/bin")
      ];
      description = "Root filesystem entries of the top layer (dirs, symlinks, files, copied trees), in the image tool's format.";
      defaultText = literalExpression "/bin, /usr/bin/env, /sbin/tini, /etc/{passwd,group}, certificates, /tmp 1777, /root, /src";
    };
    extraRoot = mkOption {
      type = types.listOf rootEntry;
      default = [ ];
      description = "Root filesystem entries added after `image.root`: what the other modules add (writable directories, weight sets at their targets, start scripts).";
      example = [
        {
          path = "/data";
          type = "dir";
          mode = "0755";
        }
      ];
    };
    bom = {
      python =
        cognix.mkListOption types.raw
          "Python distributions in the image, `{ name, version, package }`, for the SBOM (the wheel each was installed from).";
      weights =
        cognix.mkListOption types.raw
          "Weight sets, `{ name, source, target, mode, files, path? }`, for the SBOM.";
      roots =
        cognix.mkListOption types.raw
          "Derivations beyond the closure's roots whose build inputs the SBOM names (the Python interpreter).";
    };
    config = mkOption {
      type = types.attrsOf types.anything;
      readOnly = true;
      default = evalConfig;
      defaultText = literalExpression "Entrypoint, Cmd, Env, WorkingDir, ExposedPorts, Labels and User from the options";
      description = "The image config known at evaluation time (`image.jsonLabels` are added at build time).";
    };
    tool = mkOption {
      type = types.package;
      default = cognix.imageTool {
        inherit lib pkgs;
        inherit (cfg) nodejs typescript;
      };
      description = "The cognix image tool (`bin/cognix-image`), compiled from ts/image, ts/registry and ts/util.";
      defaultText = literalExpression "compiled with image.typescript, run with image.nodejs";
    };
    nixpkgsRevision = mkOption {
      type = types.nullOr (types.strMatching "[0-9a-f]{40}");
      default =
        let
          rev = (pkgs.lib.trivial.revisionWithDefault or (_: null)) null;
        in
        if builtins.isString rev && builtins.match "[0-9a-f]{40}" rev != null then rev else null;
      description = "The nixpkgs commit the packages come from, named in the SBOM; null when unknown.";
      defaultText = literalExpression "pkgs.lib.trivial.revisionWithDefault null (the flake input's locked revision)";
      example = "0123456789abcdef0123456789abcdef01234567";
    };
    sbom = mkOption {
      type = types.package;
      readOnly = true;
      default = pkgs.runCommand "${cfg.name}-sbom" { } ''
        mkdir -p "$out"
        ${cfg.tool}/bin/cognix-image sbom --spec ${cfg.spec} --format cyclonedx -o "$out/sbom.cdx.json"
        ${cfg.tool}/bin/cognix-image sbom --spec ${cfg.spec} --format spdx -o "$out/sbom.spdx.json"
      '';
      defaultText = literalExpression "written by the image tool from image.spec";
      description = ''
        The image's bill of materials, written by the build (no network):
        `sbom.cdx.json` (CycloneDX 1.6) and `sbom.spdx.json` (SPDX 2.3). The
        image config's label `org.cognix.sbom.digest` is the sha256 of
        `sbom.cdx.json`, which names the image by its layers (docs/sbom.md).
      '';
    };
    spec = mkOption {
      type = types.package;
      readOnly = true;
      default =
        pkgs.runCommand "${cfg.name}-spec.json"
          {
            __structuredAttrs = true;
            exportReferencesGraph.closure = lib.unique (
              [
                profile
                cfg.tini
                cfg.cacert
                srcTree
              ]
              ++ cfg.contents
              ++ cfg.ownLayers
            );
          }
          ''
            graph="''${NIX_ATTRS_JSON_FILE:-$NIX_BUILD_TOP/.attrs.json}"
            ${cfg.tool}/bin/cognix-image build-spec --graph "$graph" --config ${configFile} \
              --root ${rootFile} --max-layers ${toString cfg.maxLayers} --bom ${sbomInputsFile} \
              --name ${cfg.name} --tag ${cfg.tag} --json --out "$out"
          '';
      defaultText = literalExpression "planned by the image tool from the closure";
      description = "The image spec: layers planned from the closure (exportReferencesGraph), config and root entries.";
    };
    package = mkOption {
      type = types.package;
      readOnly = true;
      default = cognix.checkAssertions config script;
      defaultText = literalExpression "the image as an executable, once every assertion holds";
      description = "The image as an executable: `./result load`, `./result oci DIR`, `./result push REF`.";
    };
  };

  config = {
    # Normal priority, so a user's definition adds to these (mkForce replaces).
    image.systemPackages = builtins.filter (p: p != null) (map lookup systemPackageRefs);

    image.path = [
      "/usr/local/sbin"
      "/usr/local/bin"
      "/usr/sbin"
      "/usr/bin"
      "/sbin"
      "/bin"
    ];

    image.env = {
      PATH = mkDefault (lib.concatStringsSep ":" cfg.path);
      PYTHONUNBUFFERED = mkDefault "1";
      LANG = mkDefault "C.UTF-8";
      SSL_CERT_FILE = mkDefault "/etc/ssl/certs/ca-certificates.crt";
    };

    assertions = map (ref: {
      assertion = lookup ref != null;
      message = "image.systemPackages: `${ref.attr}` (for apt package `${ref.apt}`) is not in the package set.";
    }) systemPackageRefs;
  };
}
