# cognixFlake's outputs for a consumer flake, evaluated without nixpkgs:
# one model gets a `default`, several keep their names.
let
  h = import ../harness.nix { typescriptDir = toString ../../../node_modules/typescript; };
  nixpkgs.legacyPackages.x86_64-linux = h.stub;
  self = { rev = "feedface"; };
  one = h.cognix.cognixFlake { inherit nixpkgs self; src = h.examples + "/minimal"; };
  two = h.cognix.cognixFlake {
    inherit nixpkgs;
    self = { dirtyRev = "cafe-dirty"; };
    models = {
      hello = h.examples + "/minimal";
      resnet = { src = h.examples + "/gpu"; modules = [{ image.tag = "v2"; }]; };
    };
    modules = [{ image.labels."org.example.owner" = "ml"; }];
  };
  show = pkgs: builtins.mapAttrs
    (_: p: {
      inherit (p) name type system;
      tag = p.config.image.tag;
      revision = p.config.image.labels."org.opencontainers.image.revision" or null;
      owner = p.config.image.labels."org.example.owner" or null;
    })
    pkgs;
in
{
  one = show one.packages.x86_64-linux;
  two = show two.packages.x86_64-linux;
  apps = builtins.mapAttrs (_: builtins.attrNames) two.apps;
  # `nix run .#<model>` runs the app, whose program is the image executable
  # itself (there is no bin/ for meta.mainProgram to name).
  run =
    let
      app = one.apps.x86_64-linux.default;
      image = one.packages.x86_64-linux.default;
    in
    {
      inherit (app) type;
      programIsTheImage = app.program == "${image}";
      hasMainProgram = image.meta ? mainProgram;
    };
}
