# The OCI image: Cog's runtime contract (tini, `python -m cog.server.http`,
# port 5000, /src), a small root filesystem, and the hand-off of the closure
# to the image tool. Options evaluate with `lib`; `pkgs` is forced only by the
# derivations (`image.tool`, `image.spec`, `image.package`, ...).
{ lib, config, pkgs, ... }:
let
  inherit (lib) mkOption mkDefault types literalExpression;
  cfg = config.image;
  internal = import ../../lib/internal.nix { inherit lib; };
  systemPackages = config.cog.config.systemPackages or [ ];

  # One record per nixpkgs attribute named in cognix.json.
  systemPackageRefs = lib.concatMap (entry: map (attr: { inherit attr; inherit (entry) apt; }) entry.nix) systemPackages;
  lookup = ref: internal.lookupPackage pkgs ref.attr;

  # The image's name: the last path component of cog.yaml `image`, without tag.
  defaultName =
    let
      ref = config.cog.config.image or null;
      last = if ref == null then null else lib.last (lib.splitString "/" ref);
      bare = if last == null then null else builtins.head (lib.splitString ":" (builtins.head (lib.splitString "@" last)));
    in
    if bare == null || bare == "" then "cog-model" else bare;

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

  dir = path: mode: { inherit path mode; type = "dir"; };
  link = path: target: { inherit path target; type = "symlink"; };
  file = path: mode: content: { inherit path mode content; type = "file"; };

  # Where the python module lets `pip install` write at run time.
  writableDirs =
    let
      target = config.python.writableSitePackages or null;
      segs = if target == null then [ ] else lib.filter (x: x != "") (lib.splitString "/" target);
    in
    lib.genList (i: dir ("/" + lib.concatStringsSep "/" (lib.take (i + 1) segs)) "0755") (builtins.length segs);

  # Weights (modules/weights): build-time sets are store paths linked at their
  # target, each in a layer of its own; run-time sets bring a manifest and a
  # downloader, placed with /src when they live there.
  weights = config.weights;
  weightLinks = map (w: link w.target "${w.path}") weights.buildTimePaths;
  srcFiles = lib.filterAttrs (p: _: lib.hasPrefix "/src/" p) weights.imageFiles;
  otherFiles = lib.filterAttrs (p: _: !(lib.hasPrefix "/src/" p)) weights.imageFiles;
  copySrcFiles = lib.concatStrings (lib.mapAttrsToList
    (p: source: ''
      mkdir -p "$(dirname "$out/${lib.removePrefix "/src/" p}")"
      cp ${source} "$out/${lib.removePrefix "/src/" p}"
    '')
    srcFiles);

  profile = pkgs.symlinkJoin {
    name = "${cfg.name}-profile";
    paths = lib.unique ([ cfg.shell cfg.coreutils ] ++ cfg.systemPackages);
  };

  # What the image config holds at evaluation time; the openapi label is
  # added during the build, from the schema the model itself produces.
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

  # Adds run.cog.openapi_schema (compact JSON) unless a label was set by hand.
  mergeLabel = pkgs.writeText "merge-openapi-label.mjs" ''
    import { readFileSync, writeFileSync } from "node:fs";
    const [base, schemaFile, out] = process.argv.slice(2);
    const config = JSON.parse(readFileSync(base, "utf8"));
    let schema;
    try {
      schema = JSON.parse(readFileSync(schemaFile, "utf8"));
    } catch (e) {
      console.error("openapi schema is not valid JSON: " + schemaFile + ": " + e.message);
      process.exit(1);
    }
    if (!("run.cog.openapi_schema" in config.Labels)) {
      config.Labels["run.cog.openapi_schema"] = JSON.stringify(schema);
    }
    writeFileSync(out, JSON.stringify(config));
  '';

  node = "${cfg.nodejs}/bin/node";

  # The model directory plus .cog/openapi_schema.json, which Cog's server
  # reads relative to /src.
  srcWithSchema = pkgs.runCommand "${cfg.name}-src" { } ''
    cp -R ${config.cog.builtSource} "$out"
    chmod -R u+w "$out"
    mkdir -p "$out/.cog"
    cp ${config.cog.openapiSchema} "$out/.cog/openapi_schema.json"
    ${copySrcFiles}
  '';

  configFile = pkgs.runCommand "${cfg.name}-config.json" { } ''
    ${node} ${mergeLabel} ${baseConfigFile} ${config.cog.openapiSchema} "$out"
  '';

  # The SBOM's facts beyond the closure graph (modules/image/sbom.nix), from
  # the same roots as the closure plus what their store paths were built from.
  sbomInputs = import ./sbom.nix {
    inherit lib pkgs config;
    roots = [ config.python.venv config.python.interpreter profile srcWithSchema cfg.tini cfg.cacert cfg.shell cfg.coreutils (pkgs.glibc or null) ]
      ++ cfg.systemPackages ++ cfg.contents
      # What wheels are patched to load (auto-patchelf), reached through no input list.
      ++ (pkgs.pythonManylinuxPackages.manylinux2014 or [ ]);
  };
  sbomInputsFile = pkgs.writeText "${cfg.name}-sbom-inputs.json" (builtins.unsafeDiscardStringContext (builtins.toJSON sbomInputs));

  rootFile = pkgs.writeText "${cfg.name}-root.json" (builtins.toJSON {
    entries = cfg.root ++ cfg.extraRoot;
    ownLayer = map (w: "${w.path}") weights.buildTimePaths;
  });

  failedAssertions = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
  checked =
    if failedAssertions != [ ]
    then throw "cognix: failed assertions:\n${lib.concatMapStringsSep "\n" (m: "- ${m}") failedAssertions}"
    else lib.foldr (w: x: builtins.trace "cognix: warning: ${w}" x) true config.warnings;

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
in
{
  options = {
    assertions = mkOption {
      type = types.listOf (types.submodule {
        options.assertion = mkOption { type = types.bool; description = "Must hold for the image to build."; };
        options.message = mkOption { type = types.str; description = "Error shown when it does not."; };
      });
      default = [ ];
      internal = true;
      description = "Conditions checked when the image derivation is forced.";
    };
    warnings = mkOption {
      type = types.listOf types.str;
      default = [ ];
      internal = true;
      description = "Messages printed when the image derivation is forced.";
    };

    image = {
      name = mkOption {
        type = types.strMatching "[a-z0-9][a-z0-9._-]*";
        description = "Name of the image derivation (and of `./result`).";
        defaultText = literalExpression "last path component of cog.yaml `image`, or \"cog-model\"";
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
        default = [ "/sbin/tini" "--" ];
        description = "Image Entrypoint. Cog runs its server under tini.";
      };
      serverCommand = mkOption {
        type = types.listOf types.str;
        default = [ "python" "-m" "cog.server.http" ];
        description = "Cog's HTTP server command.";
        example = [ "python" "-m" "cog.server.http" "--x-mode" "train" ];
      };
      cmd = mkOption {
        type = types.listOf types.str;
        description = "Image Cmd: the server command, behind the weights downloader when some weights are fetched at run time.";
        defaultText = literalExpression ''if weights.entrypointPrefix == [ ] then image.serverCommand else [ "python" ] ++ weights.entrypointPrefix ++ [ "--" ] ++ image.serverCommand'';
        example = [ "python" "-m" "cog.server.http" "--x-mode" "train" ];
      };
      workingDir = mkOption {
        type = types.str;
        default = "/src";
        description = "Image WorkingDir.";
      };
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
        example = { HF_HOME = "/src/.hf"; };
      };
      labels = mkOption {
        type = types.lazyAttrsOf types.str;
        description = ''
          Image labels. `run.cog.openapi_schema` is added during the build from
          `cog.openapiSchema` unless set here. Override one with `lib.mkForce`.
        '';
        example = literalExpression ''{ "run.cog.version" = lib.mkForce "0.16.8"; }'';
      };
      systemPackages = mkOption {
        type = types.listOf types.package;
        description = "Packages on PATH (via /bin) in the image: cognix.json's system packages and any added.";
        defaultText = literalExpression "map (attr: pkgs.\${attr}) (the `nix` names of cognix.json's systemPackages)";
        example = literalExpression "[ pkgs.ffmpeg ]";
      };
      contents = mkOption {
        type = types.listOf types.package;
        default = [ ];
        description = "Extra store paths put in the image closure without being linked into the root filesystem.";
        example = literalExpression "[ pkgs.hello ]";
      };
      shell = mkOption {
        type = types.package;
        description = "Provides /bin/sh.";
        defaultText = literalExpression "pkgs.bashInteractive";
      };
      coreutils = mkOption {
        type = types.package;
        description = "Basic tools on PATH and /usr/bin/env.";
        defaultText = literalExpression "pkgs.coreutils";
      };
      tini = mkOption {
        type = types.package;
        description = "The init process at /sbin/tini.";
        defaultText = literalExpression "pkgs.tini";
      };
      cacert = mkOption {
        type = types.package;
        description = "CA certificates, linked at /etc/ssl/certs/ca-certificates.crt.";
        defaultText = literalExpression "pkgs.cacert";
      };
      nodejs = mkOption {
        type = types.package;
        description = "Node.js running the image tool at build time.";
        defaultText = literalExpression "pkgs.nodejs";
      };
      typescript = mkOption {
        type = types.package;
        description = "TypeScript compiler (`bin/tsc`) used to build the image tool.";
        defaultText = literalExpression "pkgs.typescript";
      };
      maxLayers = mkOption {
        type = types.ints.between 2 125;
        default = 100;
        description = "Upper bound on the number of layers.";
      };
      root = mkOption {
        type = types.listOf (types.attrsOf types.str);
        description = "Root filesystem entries of the top layer (dirs, symlinks, files, copied trees), in the image tool's format.";
        defaultText = literalExpression "/bin, /usr/bin/env, /sbin/tini, /etc/{passwd,group}, certificates, /tmp 1777, /root, /src";
      };
      extraRoot = mkOption {
        type = types.listOf (types.attrsOf types.str);
        default = [ ];
        description = "Root filesystem entries added after `image.root`.";
        example = [{ path = "/data"; type = "dir"; mode = "0755"; }];
      };
      config = mkOption {
        type = types.attrsOf types.anything;
        readOnly = true;
        description = "The image config known at evaluation time (the openapi label is added at build time).";
      };
      tool = mkOption {
        type = types.package;
        description = "The cognix image tool (`bin/cognix-image`), compiled from ts/image, ts/registry and ts/util.";
        defaultText = literalExpression "compiled with image.typescript, run with image.nodejs";
      };
      nixpkgsRevision = mkOption {
        type = types.nullOr (types.strMatching "[0-9a-f]{40}");
        description = "The nixpkgs commit the packages come from, named in the SBOM; null when unknown.";
        defaultText = literalExpression "pkgs.lib.trivial.revisionWithDefault null (the flake input's locked revision)";
        example = "0123456789abcdef0123456789abcdef01234567";
      };
      sbom = mkOption {
        type = types.package;
        readOnly = true;
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
        description = "The image spec: layers planned from the closure (exportReferencesGraph), config and root entries.";
      };
      package = mkOption {
        type = types.package;
        readOnly = true;
        description = "The image as an executable: `./result load`, `./result oci DIR`, `./result push REF`.";
      };
    };
  };

  config = {
    image.name = mkDefault defaultName;
    image.cmd = mkDefault (
      if weights.entrypointPrefix == [ ] then cfg.serverCommand
      else [ "python" ] ++ weights.entrypointPrefix ++ [ "--" ] ++ cfg.serverCommand
    );
    image.shell = mkDefault pkgs.bashInteractive;
    image.coreutils = mkDefault pkgs.coreutils;
    image.tini = mkDefault pkgs.tini;
    image.cacert = mkDefault pkgs.cacert;
    image.nodejs = mkDefault pkgs.nodejs;
    image.typescript = mkDefault pkgs.typescript;
    image.nixpkgsRevision = mkDefault (
      let rev = (pkgs.lib.trivial.revisionWithDefault or (_: null)) null; in
      if builtins.isString rev && builtins.match "[0-9a-f]{40}" rev != null then rev else null
    );
    # Normal priority, so a user's definition adds to these (mkForce replaces).
    image.systemPackages = builtins.filter (p: p != null) (map lookup systemPackageRefs);

    image.env = lib.mapAttrs (_: mkDefault) ((config.python.env or { }) // weights.environment) // {
      PATH = mkDefault "${config.python.venv}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
      PYTHONUNBUFFERED = mkDefault "1";
      LANG = mkDefault "C.UTF-8";
      SSL_CERT_FILE = mkDefault "/etc/ssl/certs/ca-certificates.crt";
    };

    image.root = mkDefault ([
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
      { path = "/src"; type = "copy"; source = "${srcWithSchema}"; layer = "own"; }
      (dir "/tmp" "1777")
      (dir "/usr" "0755")
      (link "/usr/bin" "${profile}/bin")
    ] ++ writableDirs ++ weightLinks
      ++ lib.mapAttrsToList (path: source: { inherit path; type = "file"; mode = "0644"; source = "${source}"; }) otherFiles);

    image.config = evalConfig;

    image.tool = mkDefault (import ../../lib/image-tool.nix { inherit lib pkgs; inherit (cfg) nodejs typescript; });

    image.spec = pkgs.runCommand "${cfg.name}-spec.json"
      {
        __structuredAttrs = true;
        exportReferencesGraph.closure = lib.unique ([ config.python.venv profile cfg.tini cfg.cacert srcWithSchema ]
          ++ cfg.contents ++ map (w: w.path) weights.buildTimePaths);
      }
      ''
        graph="''${NIX_ATTRS_JSON_FILE:-$NIX_BUILD_TOP/.attrs.json}"
        ${cfg.tool}/bin/cognix-image build-spec --graph "$graph" --config ${configFile} \
          --root ${rootFile} --max-layers ${toString cfg.maxLayers} --bom ${sbomInputsFile} \
          --name ${cfg.name} --tag ${cfg.tag} --json --out "$out"
      '';

    image.sbom = pkgs.runCommand "${cfg.name}-sbom" { } ''
      mkdir -p "$out"
      ${cfg.tool}/bin/cognix-image sbom --spec ${cfg.spec} --format cyclonedx -o "$out/sbom.cdx.json"
      ${cfg.tool}/bin/cognix-image sbom --spec ${cfg.spec} --format spdx -o "$out/sbom.spdx.json"
    '';

    image.package = builtins.seq checked script;

    assertions = map
      (ref: {
        assertion = lookup ref != null;
        message = "image.systemPackages: `${ref.attr}` (for apt package `${ref.apt}`) is not in the package set.";
      })
      systemPackageRefs;
  };
}
