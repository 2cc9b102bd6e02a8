# The .dockerignore matcher: pattern cases, and the files of a fixture model
# as they end up in /src.
let
  h = import ../harness.nix { };
  inherit (h) lib;
  di = h.cognix.dockerignore;
  check = text: paths: lib.genAttrs paths (di.excluded (di.parse text));

  # Every file below a store path, relative, sorted.
  listTree = root:
    let
      go = prefix: dir: lib.concatLists (lib.mapAttrsToList
        (name: type:
          let rel = if prefix == "" then name else "${prefix}/${name}"; in
          if type == "directory" then [ "${rel}/" ] ++ go rel (dir + "/${name}") else [ rel ])
        (builtins.readDir dir));
    in
    lib.sort (a: b: a < b) (go "" root);

  fixture = h.fixtures + "/ignore-model";
  c = (h.evalStub { src = fixture; cognixJson = h.examples + "/minimal/cognix.json"; }).config;
in
{
  star = check "*.pyc" [ "a.pyc" "src/a.pyc" "a.py" ];
  doubleStar = check "**/*.pyc" [ "a.pyc" "src/a.pyc" "x/y/z.pyc" "a.py" ];
  trailingDoubleStar = check "data/**" [ "data" "data/a" "data/a/b" "database" ];
  question = check "file?.txt" [ "file1.txt" "file.txt" "file12.txt" "dir/file1.txt" ];
  leadingSlash = check "/build" [ "build" "build/x.o" "src/build" ];
  trailingSlash = check "notebooks/" [ "notebooks" "notebooks/a.ipynb" "notebooks2" ];
  negation = check "*.ckpt\n!keep.ckpt" [ "a.ckpt" "keep.ckpt" ];
  negationOrder = check "!keep.ckpt\n*.ckpt" [ "keep.ckpt" ];
  parentExcludes = check "models" [ "models/a/b.bin" "models" "src/models" ];
  charClass = check "v[0-9].txt\nw[!0-9].txt" [ "v1.txt" "vx.txt" "w1.txt" "wx.txt" ];
  literalDots = check "a.b+c(d)" [ "a.b+c(d)" "aXb+c(d)" "a.bbc(d)" ];
  comments = check "# *.py\n  \n  *.md  " [ "a.py" "README.md" ];
  cleaned = check "./src//gen/../out/" [ "src/out" "src/out/x" "src/gen" ];
  enterForException = {
    data = di.keep (di.parse "data\n!data/keep") "data" "directory";
    other = di.keep (di.parse "data\n!data/keep") "other" "directory";
    file = di.keep (di.parse "data\n!data/keep") "data" "regular";
  };
  compiled = map di.compile [ "*.py" "**/x" "a/**" "?.[ch]" "a.b" "[!a]*.txt" "**foo" ];
  source = listTree c.cog.source;
}
