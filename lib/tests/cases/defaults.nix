# Option defaults read from cognix.json, evaluated with a package set that
# throws when touched: the module logic needs `lib` only.
let
  h = import ../harness.nix { };
  eval = src: modules: h.cognix.evalCog {
    inherit src;
    pkgs = throw "pkgs must not be forced";
    modules = [{ python.pipFreeze = "pillow==10.4.0"; }] ++ modules;
  };
  summary = src: modules:
    let c = (eval src modules).config; in
    {
      inherit (c.cog) predict train concurrency environment gpu sdkVersion server version revision ignore;
      cuda = { inherit (c.cuda) enable version cudnn; };
      image = {
        inherit (c.image) name entrypoint cmd workingDir exposedPorts user maxLayers labels;
      };
    };
in
{
  # The SDK from uv.lock.
  minimal = summary (h.examples + "/minimal") [ ];
  # No uv.lock (its torch index is out of reach here): the SDK is given.
  gpu = summary (h.examples + "/gpu") [{ cog.sdkVersion = "0.23.1"; }];
  # No uv.lock, an SDK below 0.17 pinned in cognix.json.
  legacy = summary (h.fixtures + "/legacy-sdk") [ ];
}
