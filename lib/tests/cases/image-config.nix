# The exact image config (and root filesystem) of the examples, with the stub
# package set; store hashes replaced by HASH.
let
  h = import ../harness.nix { };
  of =
    src: rev: modules:
    let
      c = (h.evalStub { inherit src rev modules; }).config;
    in
    h.scrub {
      config = c.image.config;
      root = c.image.root ++ c.image.extraRoot;
    };
in
{
  minimal = of (h.examples + "/minimal") null [ ];
  # No uv.lock (its torch index is out of reach here): the SDK is given.
  gpu = of (h.examples + "/gpu") "0123456789abcdef0123456789abcdef01234567" [
    { cog.sdkVersion = "0.23.1"; }
  ];
}
