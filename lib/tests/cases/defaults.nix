# Option defaults read from cognix.json, evaluated with a package set that
# throws when touched: the module logic needs `lib` only.
let
  h = import ../harness.nix { };
  eval = src: h.cognix.evalCog {
    inherit src;
    pkgs = throw "pkgs must not be forced";
    modules = [{ python.pipFreeze = "pillow==10.4.0"; }];
  };
  summary = src:
    let c = (eval src).config; in
    {
      inherit (c.cog) predict train concurrency environment gpu sdkVersion version revision ignore;
      cuda = { inherit (c.cuda) enable version cudnn; };
      image = {
        inherit (c.image) name entrypoint cmd workingDir exposedPorts user maxLayers labels;
      };
    };
in
{
  minimal = summary (h.examples + "/minimal");
  gpu = summary (h.examples + "/gpu");
}
