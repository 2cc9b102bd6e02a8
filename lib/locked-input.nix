# A flake.lock node's source tree, for evaluations outside the flake
# machinery (tests, `nix build --file`), with builtins only.
#
# `builtins.fetchTree` of a locked GitHub input finds it in the store on Nix
# 2.8, but newer Nix (2.25 and later) only does so for inputs marked final,
# which only the flake machinery may do, and otherwise downloads it. So where
# Nix can say how the lock's narHash is written in hex (`convertHash`, which
# those versions have), the store path is computed from it, as Nix computes a
# content-addressed path (`makeFixedOutputPath`: sha256, recursive, name
# "source"), and used when present; fetchTree does the rest (and fetches
# when online).
let
  nix32Chars = "0123456789abcdfghijklmnpqrsvwxyz";
  hexDigits = {
    "0" = 0; "1" = 1; "2" = 2; "3" = 3; "4" = 4; "5" = 5; "6" = 6; "7" = 7;
    "8" = 8; "9" = 9; "a" = 10; "b" = 11; "c" = 12; "d" = 13; "e" = 14; "f" = 15;
  };
  hexToBytes =
    hex:
    builtins.genList (
      i: hexDigits.${builtins.substring (2 * i) 1 hex} * 16 + hexDigits.${builtins.substring (2 * i + 1) 1 hex}
    ) (builtins.stringLength hex / 2);
  # Nix's compressHash: XOR-fold the digest into `size` bytes.
  fold =
    size: bytes:
    builtins.genList (
      i:
      builtins.foldl' builtins.bitXor 0 (
        builtins.genList (k: builtins.elemAt bytes (i + k * size)) (
          (builtins.length bytes - i + size - 1) / size
        )
      )
    ) size;
  # Nix's base-32 (printHash32): 5 bits at a time from the last.
  nix32 =
    bytes:
    let
      size = builtins.length bytes;
      len = (size * 8 - 1) / 5 + 1;
      byte = i: if i < size then builtins.elemAt bytes i else 0;
      shiftR = x: n: x / (builtins.foldl' (a: _: a * 2) 1 (builtins.genList (x: x) n));
      shiftL = x: n: x * (builtins.foldl' (a: _: a * 2) 1 (builtins.genList (x: x) n));
      char =
        n:
        let
          b = n * 5;
          i = b / 8;
          j = b - i * 8;
          c = builtins.bitOr (shiftR (byte i) j) (if i >= size - 1 then 0 else shiftL (byte (i + 1)) (8 - j));
        in
        builtins.substring (builtins.bitAnd c 31) 1 nix32Chars;
    in
    builtins.concatStringsSep "" (builtins.genList (k: char (len - 1 - k)) len);

  storePathOf =
    narHash:
    let
      hex = builtins.convertHash {
        hash = narHash;
        toHashFormat = "base16";
      };
      fingerprint = "source:sha256:${hex}:${builtins.storeDir}:source";
    in
    "${builtins.storeDir}/${nix32 (fold 20 (hexToBytes (builtins.hashString "sha256" fingerprint)))}-source";
in
locked:
let
  computed = if builtins ? convertHash && locked ? narHash then storePathOf locked.narHash else null;
in
if computed != null && builtins.pathExists computed then
  {
    outPath = builtins.storePath computed;
    inherit (locked) narHash;
  }
else
  builtins.fetchTree locked
