# The exact image config (and root filesystem) of the examples, with the stub
# package set; store hashes replaced by HASH.
let
  h = import ../harness.nix { };
  of = src: rev:
    let c = (h.evalStub { inherit src rev; }).config; in
    h.scrub { config = c.image.config; root = c.image.root; };
in
{
  minimal = of (h.examples + "/minimal") null;
  gpu = of (h.examples + "/gpu") "0123456789abcdef0123456789abcdef01234567";
}
