# Is uv.lock still the lock of pyproject.toml? Compares the requirements uv
# recorded for the project ([package.metadata] requires-dist) with
# pyproject.toml's dependencies and optional dependencies: names, version
# specifiers, direct URLs, the index a package is routed to, the extra it
# belongs to. Markers other than `extra` are not compared (`cognix lock --check`
# compares them too). Lib only.
{ lib, pyproject-nix }:
let
  inherit (lib)
    attrNames
    concatMap
    concatStringsSep
    filter
    sort
    unique
    ;
  inherit (pyproject-nix.lib) pep508;
  normalize = pyproject-nix.lib.pypa.normalizePackageName;
  # Which keys say where a package comes from, shared with `cognix lock --check`.
  keys = lib.importJSON ../data/uv-lock.json;
  # The first of `names` that `attrs` has as a string, or null.
  firstOf =
    names: attrs:
    let
      present = builtins.filter (k: builtins.isString (attrs.${k} or null)) names;
    in
    if present == [ ] then null else attrs.${builtins.head present};

  strip = s: lib.concatStrings (filter (c: c != " " && c != "\t" && c != "\n") (lib.stringToCharacters s));
  canonSpec = clauses: concatStringsSep "," (sort (a: b: a < b) (filter (c: c != "") clauses));
  extraOfMarker =
    marker:
    let
      m = builtins.match ".*extra == '([^']+)'.*" (if marker == null then "" else marker);
    in
    if m == null then null else normalize (builtins.head m);

  describe = r: "${r.name}${r.spec}${lib.optionalString (r.extra != null) " [extra ${r.extra}]"}${lib.optionalString (r.index != null) " (index ${r.index})"}";

  byName =
    reqs:
    lib.mapAttrs (_: rs: sort (a: b: a < b) (map describe rs)) (lib.groupBy (r: r.name) reqs);
in
{
  pyproject,
  rawLock,
}:
let
  project = pyproject.project or { };
  uv = pyproject.tool.uv or { };
  indexUrls = lib.listToAttrs (map (i: lib.nameValuePair i.name i.url) (uv.index or [ ]));
  sources = lib.mapAttrs' (n: v: lib.nameValuePair (normalize n) (if builtins.isList v then v else [ v ])) (uv.sources or { });
  sourceFor =
    name: extra:
    lib.findFirst (s: !(s ? extra) || (extra != null && normalize s.extra == extra)) null (sources.${name} or [ ]);

  fromLine =
    extra: line:
    let
      r = pep508.parseString line;
      name = normalize r.name;
      src = sourceFor name extra;
      srcUrl = if src == null then null else firstOf keys.sourceReference src;
      url = if srcUrl != null then srcUrl else r.url;
    in
    {
      inherit name extra;
      spec = if url != null then " @ ${url}" else canonSpec (map (c: strip "${c.op}${c.version.str}") r.conditions);
      index = if src != null && src ? index then indexUrls.${src.index} or "undefined index ${src.index}" else null;
    };

  wanted =
    map (fromLine null) (project.dependencies or [ ])
    ++ concatMap (extra: map (fromLine (normalize extra)) project.optional-dependencies.${extra}) (
      attrNames (project.optional-dependencies or { })
    );

  isRoot = p: lib.any (k: (p.source.${k} or null) == ".") keys.localSource;
  roots = filter isRoot (rawLock.package or [ ]);
  named = filter (p: normalize p.name == normalize (project.name or "")) roots;
  root = if named != [ ] then builtins.head named else if roots != [ ] then builtins.head roots else null;

  recorded =
    if root == null || !(root ? metadata.requires-dist) then
      null
    else
      map (e: {
        name = normalize e.name;
        extra = extraOfMarker (e.marker or null);
        spec =
          let
            url = firstOf keys.requirementReference e;
          in
          if url != null then " @ ${url}" else canonSpec (lib.splitString "," (strip (e.specifier or "")));
        index = e.index or null;
      }) root.metadata.requires-dist;

  w = byName wanted;
  h = if recorded == null then { } else byName recorded;
  names = sort (a: b: a < b) (unique (attrNames w ++ attrNames h));
  changes = concatMap (
    n:
    if !(h ? ${n}) then
      [ "added: ${concatStringsSep " | " w.${n}}" ]
    else if !(w ? ${n}) then
      [ "removed: ${concatStringsSep " | " h.${n}}" ]
    else if w.${n} != h.${n} then
      [ "changed: ${n}: uv.lock has ${concatStringsSep " | " h.${n}}, pyproject.toml has ${concatStringsSep " | " w.${n}}" ]
    else
      [ ]
  ) names;
in
if recorded == null then
  [ "uv.lock records no requirements for the project; re-run `cognix lock`" ]
else
  changes
