# The model directory as Cog's `COPY . /src` sees it: .dockerignore honoured,
# plus what never belongs in /src (.git, .cog/, `result*` symlinks).
{ lib, dockerignore }:
let
  # Always left out; .cog/ gets back only what cognix writes into it.
  builtinPatterns = dockerignore.parse ''
    .git
    .cog
  '';
in
{
  # Patterns applied to `src`: built-in ones first so the model's own
  # .dockerignore (and `extraPatterns`) can re-include with `!`.
  patternsFor = { src, extraPatterns ? [ ] }:
    let
      file = src + "/.dockerignore";
      # Checked before reading: a FIFO would hang evaluation, a device never end.
      type = (builtins.readDir src).".dockerignore" or null;
      own =
        if type == null then [ ]
        else if type == "regular" || type == "symlink" then dockerignore.parse (builtins.readFile file)
        else throw "cognix: ${toString file}: .dockerignore is not a regular file";
    in
    builtinPatterns ++ own ++ dockerignore.parseWith { file = "cog.ignore"; } (lib.concatStringsSep "\n" extraPatterns);

  # Copy `src` into the store, filtered. Pure: no import-from-derivation.
  filter = { src, patterns, name ? "cog-src" }:
    let
      root = toString src;
      rel = path: lib.removePrefix "/" (lib.removePrefix root (toString path));
    in
    builtins.path {
      inherit name;
      path = src;
      filter = path: type:
        let r = rel path; in
        !(type == "symlink" && lib.hasPrefix "result" (baseNameOf r))
        && dockerignore.keep patterns r type;
    };
}
