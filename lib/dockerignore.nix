# .dockerignore semantics (moby patternmatcher) in pure Nix, so /src is
# selected at evaluation time without import-from-derivation.
#
# - `#` lines are comments; surrounding whitespace is trimmed; blank lines skip.
# - `!pattern` re-includes; the last matching pattern wins.
# - Patterns are cleaned like Go's filepath.Clean: a leading `/` and a trailing
#   `/` are dropped, `//` and `./` collapse.
# - `*` and `?` stay inside one path segment, `**` spans segments,
#   `[...]` is a character class; other characters are literal.
# - A pattern matching a directory excludes everything below it; an excluded
#   directory is still entered when a `!` pattern names a path inside it.
{ lib }:
let
  inherit (lib) hasPrefix removePrefix filter concatStringsSep;

  trim = s:
    let m = builtins.match "[[:space:]]*(.*[^[:space:]])[[:space:]]*" s;
    in if m == null then "" else builtins.head m;

  # filepath.Clean for relative patterns.
  clean = p:
    let
      segs = filter (s: s != "" && s != ".") (lib.splitString "/" p);
      folded = builtins.foldl' (acc: s:
        if s == ".." && acc != [ ] && lib.last acc != ".." then lib.init acc
        else if s == ".." && acc == [ ] then acc
        else acc ++ [ s ]) [ ] segs;
    in concatStringsSep "/" folded;

  regexSpecial = [ "." "$" "^" "+" "(" ")" "{" "}" "|" ];

  # Glob → POSIX ERE, one character at a time.
  toRegex = pattern:
    let
      chars = lib.stringToCharacters pattern;
      n = builtins.length chars;
      at = i: if i < n then builtins.elemAt chars i else "";
      go = i: acc:
        if i >= n then acc
        else
          let c = at i; in
          if c == "*" && at (i + 1) == "*" then
            let j = if at (i + 2) == "/" then i + 3 else i + 2; in
            if j >= n then go j (acc + ".*") else go j (acc + "(.*/)?")
          else if c == "*" then go (i + 1) (acc + "[^/]*")
          else if c == "?" then go (i + 1) (acc + "[^/]")
          else if c == "\\" && i + 1 < n then go (i + 2) (acc + "[" + at (i + 1) + "]")
          else if c == "[" then
            # Copy the class through; `[!x]` is Go's negation, ERE says `[^x]`.
            let
              rest = lib.substring (i + 1) (n - i - 1) pattern;
              m = builtins.match "(!?)([^]]*)](.*)" rest;
            in
            if m == null then go (i + 1) (acc + "\\[")
            else
              let
                neg = builtins.elemAt m 0;
                body = builtins.elemAt m 1;
              in
              go (i + 2 + builtins.stringLength neg + builtins.stringLength body)
                (acc + "[" + (if neg == "!" then "^" else "") + body + "]")
          else if builtins.elem c regexSpecial then go (i + 1) (acc + "\\" + c)
          else go (i + 1) (acc + c);
    in go 0 "";

  parseLine = line:
    let
      t = trim line;
      negated = hasPrefix "!" t;
      body = clean (trim (if negated then removePrefix "!" t else t));
    in
    if t == "" || hasPrefix "#" t || body == "" then null
    else { inherit negated; pattern = body; regex = toRegex body; };

  # Parse the text of a .dockerignore into pattern records.
  parse = text:
    filter (p: p != null) (map parseLine (lib.splitString "\n" (builtins.replaceStrings [ "\r" ] [ "" ] text)));

  # "a/b/c" → [ "a" "a/b" "a/b/c" ]
  prefixes = rel:
    let segs = lib.splitString "/" rel;
    in lib.genList (i: concatStringsSep "/" (lib.take (i + 1) segs)) (builtins.length segs);

  matchesOrParent = p: rel:
    builtins.any (x: builtins.match p.regex x != null) (prefixes rel);

  # Is the relative path `rel` excluded by `patterns`?
  excluded = patterns: rel:
    builtins.foldl' (ex: p: if matchesOrParent p rel then !p.negated else ex) false patterns;

  # Must an excluded directory still be entered for a `!` pattern below it?
  hasExceptionBelow = patterns: rel:
    builtins.any (p: p.negated && hasPrefix (rel + "/") (p.pattern + "/")) patterns;

  # Keep `rel` (of the given type) when copying the context?
  keep = patterns: rel: type:
    !(excluded patterns rel) || (type == "directory" && hasExceptionBelow patterns rel);
in
{
  inherit parse excluded keep toRegex clean;
}
