# Pure helpers behind modules/weights: reading weights.lock.json, checking
# paths, building the run-time manifest, and turning a build-time set into
# store paths. Everything but `buildSet` needs `lib` only.
{ lib }:
let
  segments = p: lib.splitString "/" p;

  # A file path inside a set: relative, no empty, "." or ".." segment, and
  # only characters that no shell, store path name or URL reads specially
  # (the same rule as `cognix lock` and the run-time downloader).
  safeSegment = s: builtins.match "[A-Za-z0-9._+=@,~-]+" s != null;
  checkRelPath =
    where: p:
    let
      segs = segments p;
    in
    if p == "" || lib.hasPrefix "/" p then
      throw "cognix weights: ${where}: path '${p}' must be relative to the set's target"
    else if lib.any (s: s == "" || s == "." || s == "..") segs then
      throw "cognix weights: ${where}: path '${p}' has an empty, '.' or '..' segment"
    else if !(lib.all safeSegment segs) then
      throw "cognix weights: ${where}: path '${p}' has characters other than letters, digits and . _ - + = @ , ~"
    else
      p;

  checkTarget =
    where: t:
    let
      segs = lib.tail (segments t);
    in
    if !(lib.hasPrefix "/" t) || t == "/" then
      throw "cognix weights: ${where}: target '${t}' must be an absolute directory other than /"
    else if lib.any (s: s == "" || s == "." || s == "..") segs then
      throw "cognix weights: ${where}: target '${t}' has an empty, '.' or '..' segment"
    else
      t;

  # The format versions the schemas fix, which `cognix lock` writes too.
  formatVersionOf =
    name: (lib.importJSON (../../schemas + "/${name}.schema.json")).properties.formatVersion.const;
  lockFormatVersion = formatVersionOf "weights-lock";
  manifestFormatVersion = formatVersionOf "weights-manifest";

  # Store path names allow [A-Za-z0-9+._?=-]; anything else becomes '-'.
  storeName =
    s:
    let
      ok = c: builtins.match "[A-Za-z0-9+._?=-]" c != null;
      chars = map (c: if ok c then c else "-") (lib.stringToCharacters s);
      joined = lib.concatStrings chars;
      trimmed = lib.removePrefix "." joined;
    in
    if trimmed == "" then "file" else builtins.substring 0 200 trimmed;
in
rec {
  inherit checkRelPath checkTarget storeName;

  # Parses weights.lock.json and checks its format version.
  readLock =
    file:
    let
      data = builtins.fromJSON (builtins.readFile file);
    in
    if (data.formatVersion or null) != lockFormatVersion then
      throw "cognix weights: ${toString file}: formatVersion must be ${toString lockFormatVersion}"
    else
      data;

  # Locked files of a declared set; throws when the set is missing from the
  # lock or was locked for another source/include/exclude.
  lockedFiles =
    lock: decl:
    let
      sets = lock.sets or { };
      entry = sets.${decl.name} or null;
      where = "weights.lock.json: sets.${decl.name}";
    in
    if entry == null then
      throw "cognix weights: set '${decl.name}' is not in weights.lock.json; run `cognix lock`"
    else if
      entry.source != decl.source
      || (entry.include or [ ]) != decl.include
      || (entry.exclude or [ ]) != decl.exclude
    then
      throw "cognix weights: ${where} was locked for another source/include/exclude; run `cognix lock`"
    else
      map (f: f // { path = checkRelPath where f.path; }) entry.files;

  # The run-time manifest read by lib/weights/downloader.py
  # (schemas/weights-manifest.schema.json). Sets and files are sorted so the
  # file's bytes depend only on the content.
  manifestOf = sets: {
    formatVersion = manifestFormatVersion;
    sets = map (s: {
      inherit (s) name;
      target = checkTarget "weights.sets.${s.name}" s.target;
      files = map (f: {
        path = checkRelPath "weights.sets.${s.name}" f.path;
        inherit (f) size sha256 urls;
      }) (lib.sort (a: b: a.path < b.path) s.files);
    }) (lib.sort (a: b: a.name < b.name) sets);
  };

  # One fixed-output derivation per file, keyed by its sha256.
  fetchFile =
    pkgs: setName: f:
    if f.urls == [ ] then
      throw "cognix weights: weights.sets.${setName}: file '${f.path}' has no url"
    else
      pkgs.fetchurl {
        name = storeName (baseNameOf f.path);
        inherit (f) urls sha256;
      };

  # A build-time set: its files joined under one store path (the layer).
  buildSet =
    { pkgs, set }:
    let
      where = "weights.sets.${set.name}";
      files = map (f: f // { path = checkRelPath where f.path; }) set.files;
      q = lib.escapeShellArg;
      copies = lib.concatMapStrings (
        f:
        lib.optionalString (dirOf f.path != ".") ''
          mkdir -p "$out"/${q (dirOf f.path)}
        ''
        + ''
          cp ${q (fetchFile pkgs set.name f)} "$out"/${q f.path}
        ''
      ) (lib.sort (a: b: a.path < b.path) files);
    in
    if pkgs == null then
      throw "cognix weights: ${where}: a build-time set needs pkgs"
    else if files == [ ] then
      throw "cognix weights: ${where} has no locked files; run `cognix lock`"
    else
      pkgs.runCommand "cognix-weights-${storeName set.name}"
        {
          # Copies of fixed-output paths: nothing to substitute, cheap to redo.
          preferLocalBuild = true;
          allowSubstitutes = false;
        }
        ''
          mkdir -p "$out"
          ${copies}
        '';
}
