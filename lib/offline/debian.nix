# nixpkgs attributes the offline set builds from this machine's Debian
# packages (each with the libraries it loads; lib/offline/host-copy.py).
# A name a Debian release renamed lists the new name first (Debian 13's
# 64-bit time_t packages end in t64). Attributes not here are absent from the
# offline set, as an unknown attribute is from nixpkgs.
{ lib, fromDebian, installed }:
let
  # The first of the names installed here (else the first, for the error).
  pick = names: lib.findFirst installed (builtins.head names) names;
  deb = pname: names: extra: fromDebian ({ inherit pname; debs = map (n: pick (lib.toList n)) names; } // extra);
  libs = {
    "/usr/lib/x86_64-linux-gnu" = "lib";
    "/lib/x86_64-linux-gnu" = "lib";
  };
  lib' = pname: names: deb pname names { dirs = libs; };
  tool = pname: names: deb pname names { };
in
{
  # The image's /bin/sh (nixpkgs' bash has bin/sh → bash) and basic tools.
  bashInteractive = deb "bash" [ "bash" ] {
    postCopy = ''ln -s bash "$out/bin/sh"'';
  };
  coreutils = tool "coreutils" [ "coreutils" ];
  tini = tool "tini" [ "tini" ];
  # As nixpkgs' busybox: a link per applet in bin/.
  busybox = deb "busybox" [ "busybox-static" ] {
    postCopy = ''
      for a in $("$out/bin/busybox" --list); do
        [ -e "$out/bin/$a" ] || ln -s busybox "$out/bin/$a"
      done
    '';
  };

  ffmpeg = tool "ffmpeg" [ "ffmpeg" ];
  git = tool "git" [ "git" ];
  hello = tool "hello" [ "hello" ];
  jq = tool "jq" [ "jq" ];
  curl = tool "curl" [ "curl" ];
  file = tool "file" [ "file" ];
  sqlite = tool "sqlite" [ "sqlite3" ];
  unzip = tool "unzip" [ "unzip" ];
  zip = tool "zip" [ "zip" ];
  sox = tool "sox" [ "sox" ];
  imagemagick = tool "imagemagick" [ "imagemagick-6.q16" ];
  espeak-ng = tool "espeak-ng" [ "espeak-ng" ];

  libGL = lib' "libGL" [ "libgl1" ];
  glib = lib' "glib" [ [ "libglib2.0-0t64" "libglib2.0-0" ] ];
  zlib = lib' "zlib" [ "zlib1g" ];
  libx11 = lib' "libx11" [ "libx11-6" ];
  libxext = lib' "libxext" [ "libxext6" ];
  libxrender = lib' "libxrender" [ "libxrender1" ];
  libsm = lib' "libsm" [ "libsm6" ];
  libice = lib' "libice" [ "libice6" ];
  libxcb = lib' "libxcb" [ "libxcb1" ];
  libsndfile = lib' "libsndfile" [ [ "libsndfile1t64" "libsndfile1" ] ];
}
