# An example image built with the stub package set and the fake python.
{ typescriptDir, example ? "minimal", rev ? null }:
let
  h = import ./harness.nix { inherit typescriptDir; };
in
h.cognix.mkCogImage {
  pkgs = h.stub;
  src = h.examples + "/${example}";
  inherit rev;
  modules = [{
    python.venv = h.stub.fakePython;
    python.pipFreeze = "pillow==10.4.0";
  }];
}
