# A description of a CPython interpreter with just the attributes pyproject.nix
# reads for PEP 508 markers and wheel tag selection. Lets the lock be resolved
# and wheels chosen with `lib` alone, before any interpreter is built.
{ lib }:
{
  version,
  system ? "x86_64-linux",
  glibcVersion ? "2.40",
}:
let
  parts = lib.splitString "." version;
  major = builtins.elemAt parts 0;
  minor = builtins.elemAt parts 1;
  full = if builtins.length parts >= 3 then version else "${version}.0";
  platform = lib.systems.elaborate system;
  stdenv = {
    inherit (platform) isLinux isDarwin;
    hostPlatform = platform;
    buildPlatform = platform;
    targetPlatform = platform;
    cc.libc = {
      pname = "glibc";
      version = glibcVersion;
      linuxHeaders.version = "6.6";
    };
  };
  self = {
    pname = "python3";
    version = full;
    inherit stdenv;
    sitePackages = "lib/python${major}.${minor}/site-packages";
    pythonVersion = "${major}.${minor}";
    passthru = {
      implementation = "cpython";
      pythonVersion = "${major}.${minor}";
      sourceVersion = { inherit major minor; };
      pythonOnBuildForHost = self;
    };
    pythonOnBuildForHost = self;
  };
in
self
