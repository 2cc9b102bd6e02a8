# What the SBOM learns from the evaluation (modules/image/sbom.nix): a
# build-time weight set with its store path, a run-time one without, every
# locked file's sha256, size and URLs; a derivation's pname and version, its
# name when they are null, and nothing for what is not a derivation.
let
  h = import ../harness.nix { };
  pkgs = import ../../weights/tests/stub-extras.nix { stub = h.stub; };
  src = h.fixtures + "/weights-model";
  facts =
    modules:
    let
      c = (h.evalStub { inherit src pkgs modules; }).config;
    in
    import ../../../modules/image/sbom.nix {
      inherit (h) lib;
      config = c;
      roots = [
        (pkgs.runCommand "hello-2.12" {
          pname = "hello";
          version = "2.12";
        } "")
        (pkgs.runCommand "cog-python-env" {
          pname = null;
          version = null;
        } "")
        "not a derivation"
      ];
    };
  shown = f: h.scrub { inherit (f) packages weights nixpkgsRevision; };
in
{
  build = shown (facts [
    { image.nixpkgsRevision = "0123456789abcdef0123456789abcdef01234567"; }
  ]);
  runtime = shown (facts [ { weights.sets.lora.mode = "runtime"; } ]);
}
