# What the image's SBOM says beyond the closure graph, from the evaluation:
# pname and version of the derivations behind the store paths, the file
# each Python distribution was installed from (uv.lock's URL and sha256),
# the weight sets, and the nixpkgs revision, as the modules put them in
# `image.bom`. The image tool keeps what the closure holds. Paths lose their
# string context: the list names store paths, it must not make the build
# depend on derivations the image does not need.
{
  lib,
  config,
  roots,
}:
let
  discard = builtins.unsafeDiscardStringContext;
  ok = x: (builtins.tryEval x).success;
  isDrv = x: ok (lib.isDerivation x) && lib.isDerivation x;
  bom = config.image.bom;

  # What a store path links against or propagates: its build and propagated
  # inputs (not native, build-time tools) and the paths a symlinkJoin joins.
  inputsOf =
    d:
    let
      attr =
        name:
        let
          r = builtins.tryEval (d.${name} or [ ]);
        in
        if r.success then r.value else [ ];
      list = lib.flatten (
        map attr [
          "buildInputs"
          "propagatedBuildInputs"
          "paths"
        ]
      );
    in
    builtins.filter isDrv list;

  outputsOf =
    d:
    let
      outs = d.outputs or [ "out" ];
    in
    builtins.filter (o: ok o.outPath) (map (o: d.${o} or d) outs);

  # Every derivation reachable from the roots (and the Python distributions)
  # through inputsOf, once.
  closure = builtins.genericClosure {
    startSet = map (d: {
      key = discard d.outPath;
      drv = d;
    }) (builtins.filter isDrv (roots ++ map (p: p.package) bom.python));
    operator =
      item:
      map (d: {
        key = discard d.outPath;
        drv = d;
      }) (builtins.filter (d: ok d.outPath) (inputsOf item.drv));
  };

  # pname and version when the derivation sets them (some set them to null), else its name split as Nix does.
  strOr = v: fallback: if builtins.isString v then v else fallback;
  nameOf = d: strOr (d.pname or null) (builtins.parseDrvName d.name).name;
  versionOf = d: strOr (d.version or null) (builtins.parseDrvName d.name).version;
  described =
    d: ok (nameOf d) && ok (versionOf d) && builtins.isString (nameOf d) && builtins.isString (versionOf d);

  packages = lib.concatMap (
    item:
    lib.optionals (described item.drv) (
      map (o: {
        path = discard o.outPath;
        pname = nameOf item.drv;
        version = versionOf item.drv;
      }) (outputsOf item.drv)
    )
  ) closure;

  # The file pyproject.nix installed: fetchurl's URL and hash (uv.lock's).
  python = map (
    p:
    let
      src = p.package.src or { };
      url = src.url or (lib.head (src.urls or [ null ]));
      hash = src.outputHash or src.hash or null;
    in
    {
      path = discard p.package.outPath;
      inherit (p) name;
      version = if p.version != null then p.version else p.package.version or "";
    }
    // lib.optionalAttrs (builtins.isString url) { url = discard url; }
    // lib.optionalAttrs (builtins.isString hash && hash != "") { sha256 = hash; }
  ) bom.python;

  weights = map (w: w // lib.optionalAttrs (w ? path) { path = discard w.path; }) bom.weights;
in
{
  inherit packages python weights;
  nixpkgsRevision = config.image.nixpkgsRevision;
}
