# .dockerignore semantics (moby's patternmatcher and ignore-file reader, as
# BuildKit applies them) in pure Nix, so /src is selected at evaluation time
# without import-from-derivation.
#
# Reading a line:
# - a line starting with `#` is a comment (before trimming: "  # x" is a
#   pattern); a UTF-8 BOM on the first line and a trailing CR are dropped;
# - surrounding whitespace is trimmed, blank lines skip; `!` re-includes;
# - patterns are cleaned like Go's filepath.Clean, then a leading `/` is
#   dropped: `./a//b/../c/` is `a/c`, but `../secret` stays outside the
#   context and matches nothing in it;
# - a lone `!`, an unclosed `[`, a bad range and a trailing `\` are errors, as
#   they fail `docker build`.
# Matching (the last matching pattern wins, a match on a parent directory
# counts):
# - `*` and `?` stay inside a segment; `**` spans segments; a pattern starting
#   with `**` followed by plain characters matches any path ending in them
#   (`**foo` matches `barfoo`); one ending in `**` any path starting with what
#   comes before;
# - `[...]` is a class, negated by `^` only: `[!a]` is `!` or `a`;
# - `\` escapes the next character. An escaped letter or digit is refused:
#   Docker reads it as a regular-expression escape (`\d` is a digit).
# - `?` and classes count bytes, so they do not match a multi-byte character.
# An excluded directory is still entered when a `!` pattern names something
# below it, or when any `!` pattern has a wildcard (BuildKit then walks all).
{ lib }:
let
  inherit (lib) hasPrefix hasSuffix removePrefix removeSuffix filter concatStringsSep concatStrings elem any;
  inherit (builtins) elemAt length substring stringLength;

  trim = s:
    let m = builtins.match "[[:space:]]*(.*[^[:space:]])[[:space:]]*" s;
    in if m == null then "" else builtins.head m;

  bom = builtins.fromJSON ''"\ufeff"'';

  # Go's filepath.Clean.
  clean = p:
    let
      rooted = hasPrefix "/" p;
      segs = filter (s: s != "" && s != ".") (lib.splitString "/" p);
      step = acc: s:
        if s != ".." then acc ++ [ s ]
        else if acc != [ ] && lib.last acc != ".." then lib.init acc
        else if rooted then acc
        else acc ++ [ s ];
      body = concatStringsSep "/" (builtins.foldl' step [ ] segs);
    in
    if rooted then "/" + body else if body == "" then "." else body;

  isAlnum = c: builtins.match "[A-Za-z0-9]" c != null;
  isAscii = c: builtins.match "[ -~]" c != null;

  charsOf = s:
    let cs = lib.stringToCharacters s; n = length cs; in
    { inherit n; at = i: if i < n then elemAt cs i else ""; };

  # Why `pattern` is not a valid glob for Go's filepath.Match, or null.
  globError = pattern:
    let
      inherit (charsOf pattern) n at;
      # Index after one (possibly escaped) class character at i, or -1.
      classChar = i:
        let c = at i; in
        if i >= n || c == "-" || c == "]" then -1
        else if c == "\\" then (if i + 1 >= n then -1 else i + 2)
        else i + 1;
      klass = i: nrange:
        if i >= n then "an unclosed ["
        else if at i == "]" && nrange > 0 then top (i + 1)
        else
          let lo = classChar i; in
          if lo < 0 then "a '-' or ']' where a character was expected in [...]"
          else if at lo == "-" then
            let hi = classChar (lo + 1); in
            if hi < 0 then "a range in [...] without an end" else klass hi (nrange + 1)
          else klass lo (nrange + 1);
      top = i:
        if i >= n then null
        else
          let c = at i; in
          if c == "\\" then (if i + 1 >= n then "a trailing backslash" else top (i + 2))
          else if c == "[" then klass (if at (i + 1) == "^" then i + 2 else i + 1) 0
          else top (i + 1);
    in
    top 0;

  # Characters the matcher escapes before building its regular expression.
  goEscaped = [ "." "+" "(" ")" "|" "{" "}" "$" ];

  # The pattern as moby's matcher reads it: exact, prefix, suffix, or a
  # regular expression in Go syntax (without the ^...$ anchors).
  classify = pattern:
    let
      inherit (charsOf pattern) n at;
      go = i: re: type:
        if i >= n then { inherit re type; }
        else
          let c = at i; in
          if c == "*" && at (i + 1) == "*" then
            let
              j = if at (i + 2) == "/" then i + 3 else i + 2;
              next =
                if j < n then { re = re + "(.*/)?"; type = "regexp"; }
                else if type == "exact" then { inherit re; type = "prefix"; }
                else { re = re + ".*"; type = "regexp"; };
            in
            go j next.re (if i == 0 then "suffix" else next.type)
          else if c == "*" then go (i + 1) (re + "[^/]*") "regexp"
          else if c == "?" then go (i + 1) (re + "[^/]") "regexp"
          else if elem c goEscaped then go (i + 1) (re + "\\" + c) type
          else if c == "\\" then
            (if i + 1 < n then go (i + 2) (re + "\\" + at (i + 1)) "regexp" else go (i + 1) (re + "\\") type)
          else if c == "[" || c == "]" then go (i + 1) (re + c) "regexp"
          else go (i + 1) (re + c) type;
    in
    go 0 "" "exact";

  # POSIX ERE (what builtins.match speaks) for the Go regular expressions
  # `classify` builds. They differ in escapes: Go allows `\` inside brackets.
  ereSpecial = [ "." "|" ")" "$" "(" "+" "{" "^" "[" "*" "?" "\\" ];
  ereLiteral = c: if elem c ereSpecial then "\\" + c else c;
  posixClasses = [ "alnum" "alpha" "blank" "cntrl" "digit" "graph" "lower" "print" "punct" "space" "upper" "xdigit" ];

  toEre = fail: re:
    let
      inherit (charsOf re) n at;
      escaped = i:
        let d = at (i + 1); in
        if isAlnum d then fail "\\${d} is a regular-expression escape to Docker's matcher, not the character ${d}; write it without the backslash"
        else d;
      # One bracket expression from just after `[`: { next; ere; }
      klass = start:
        let
          neg = at start == "^";
          loop = i: first: items:
            if i >= n then fail "an unclosed ["
            else if at i == "]" && !first then { next = i + 1; inherit items; }
            else if at i == "[" && at (i + 1) == ":" then
              let m = builtins.match "\\[:([a-z]*):].*" (substring i (n - i) re); in
              if m == null || !(elem (builtins.head m) posixClasses) then fail "an unsupported character class in [...]"
              else loop (i + 4 + stringLength (builtins.head m)) false (items ++ [{ named = "[:${builtins.head m}:]"; }])
            else
              let
                one = j: if at j == "\\" then { next = j + 2; char = escaped j; } else { next = j + 1; char = at j; };
                lo = one i;
                isRange = at lo.next == "-" && lo.next + 1 < n && at (lo.next + 1) != "]";
                hi = one (lo.next + 1);
              in
              if isRange then loop hi.next false (items ++ [{ range = [ lo.char hi.char ]; }])
              else loop lo.next false (items ++ [{ single = lo.char; }]);
          parsed = loop (if neg then start + 1 else start) true [ ];
          singles = map (x: x.single) (filter (x: x ? single) items);
          inherit (parsed) items;
          rangeText = r:
            let lo = elemAt r 0; hi = elemAt r 1; in
            if !(isAscii lo && isAscii hi) then fail "a non-ASCII character in [...]"
            else if elem lo [ "]" "-" "[" "^" ] || elem hi [ "]" "-" "[" "^" ] then fail "a range in [...] that starts or ends with ] - [ or ^"
            else if hi < lo then fail "a range in [...] whose end comes before its start"
            else "${lo}-${hi}";
          special = [ "]" "^" "[" "-" ];
          others = filter (c: !(elem c special)) singles;
          middle = concatStrings (others
            ++ map (x: rangeText x.range) (filter (x: x ? range) items)
            ++ map (x: x.named) (filter (x: x ? named) items));
          has = c: elem c singles;
          opt = c: if has c then c else "";
          # `]` first and `-` last are literal; `^` must not come first.
          body =
            if !has "]" && middle == "" then opt "-" + opt "[" + opt "^"
            else opt "]" + middle + opt "^" + opt "[" + opt "-";
        in
        if any (c: !(isAscii c)) singles then fail "a non-ASCII character in [...]"
        else { inherit (parsed) next; ere = "[" + (if neg then "^" else "") + body + "]"; };
      go = i: acc:
        if i >= n then acc
        else
          let c = at i; in
          if c == "\\" then go (i + 2) (acc + ereLiteral (escaped i))
          else if c == "[" then (let k = klass (i + 1); in go k.next (acc + k.ere))
          else go (i + 1) (acc + c);
    in
    go 0 "";

  # True when a pattern has a wildcard (BuildKit's test for walking excluded directories).
  hasWildcard = p: builtins.match ".*[*?[].*" (builtins.replaceStrings [ "\\\\" "\\*" "\\?" "\\[" ] [ "" "" "" "" ] p) != null;

  # A compiled pattern (cleaned, without `!`).
  compileWith = fail: pattern:
    let
      err = globError pattern;
      c = classify pattern;
    in
    if err != null then fail "${err}, which docker build refuses"
    else
      { inherit (c) type; }
      // lib.optionalAttrs (c.type == "regexp") { regex = toEre fail c.re; };

  # One line of the file, as the ignore-file reader passes it on: `!` kept in
  # front, or null for a comment or blank line.
  readLine = lineNo: raw:
    let
      text = removeSuffix "\r" (if lineNo == 1 then removePrefix bom raw else raw);
      t = trim text;
      invert = hasPrefix "!" t;
      body = if invert then trim (substring 1 (-1) t) else t;
      cleaned =
        if body == "" then ""
        else let c = clean body; in if stringLength c > 1 && hasPrefix "/" c then substring 1 (-1) c else c;
    in
    if hasPrefix "#" text || t == "" then null
    else (if invert then "!" else "") + cleaned;

  # Parse the text of an ignore file (named `file` in errors) into pattern records.
  parseWith = { file ? ".dockerignore" }: text:
    let
      lines = lib.imap1 (i: l: { line = i; raw = l; pattern = readLine i l; }) (lib.splitString "\n" text);
      record = l:
        let
          fail = why: throw "cognix: ${file} line ${toString l.line}: pattern ${builtins.toJSON (trim l.raw)}: ${why}";
          # The matcher cleans again, `!` included: "!/" becomes a lone "!".
          p = clean (trim l.pattern);
          negated = hasPrefix "!" p;
          pattern = if negated then substring 1 (-1) p else p;
        in
        if negated && pattern == "" then fail "a lone '!' names nothing, which docker build refuses"
        else { inherit negated pattern; wildcard = hasWildcard pattern; } // compileWith fail pattern;
    in
    map record (filter (l: l.pattern != null) lines);

  parse = parseWith { };

  compile = compileWith (why: throw "cognix: .dockerignore pattern: ${why}");

  matches = p: path:
    if p.type == "exact" then path == p.pattern
    else if p.type == "prefix" then hasPrefix (removeSuffix "**" p.pattern) path
    else if p.type == "suffix" then
      let suffix = substring 2 (-1) p.pattern; in
      hasSuffix suffix path || (hasPrefix "/" suffix && path == substring 1 (-1) suffix)
    else builtins.match p.regex path != null;

  # "a/b/c" → [ "a" "a/b" "a/b/c" ]
  prefixes = rel:
    let segs = lib.splitString "/" rel;
    in lib.genList (i: concatStringsSep "/" (lib.take (i + 1) segs)) (length segs);

  matchesOrParent = p: rel: any (matches p) (prefixes rel);

  # Is the relative path `rel` excluded by `patterns`?
  excluded = patterns: rel:
    builtins.foldl' (ex: p: if matchesOrParent p rel then !p.negated else ex) false patterns;

  # Must an excluded directory still be entered for a `!` pattern?
  entered = patterns: rel:
    any (p: p.negated && (p.wildcard || hasPrefix (rel + "/") (p.pattern + "/"))) patterns;

  # Keep `rel` (of the given type) when copying the context?
  keep = patterns: rel: type:
    !(excluded patterns rel) || (type == "directory" && entered patterns rel);
in
{
  inherit parse parseWith excluded keep compile clean;
}
