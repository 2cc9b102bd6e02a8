# The image's default name, as Cog names an image: the last path component
# of cog.yaml `image`, else cog-<model directory> (lowercased, spaces as
# dashes, other characters dropped, at most 30 characters); cog-model for a
# cognix.json written before the directory was recorded.
let
  h = import ../harness.nix { };
  lib = h.lib;
  base = lib.importJSON (h.examples + "/minimal/cognix.json");
  nameWith = change:
    (h.cognix.evalCog {
      src = h.examples + "/minimal";
      pkgs = throw "pkgs must not be forced";
      modules = [{ python.pipFreeze = "pillow==10.4.0"; cog.config = lib.mkForce (change base); }];
    }).config.image.name;
  withDir = dir: c: c // { image = null; source = c.source // { directory = dir; }; };
in
{
  example = nameWith (c: c);
  spaces = nameWith (withDir "My Model v2");
  symbols = nameWith (withDir "résumé_model.net!");
  prefixed = nameWith (withDir "cog-stable");
  long = nameWith (withDir "a-very-long-model-directory-name-indeed");
  unrecorded = nameWith (c: c // { image = null; source = builtins.removeAttrs c.source [ "directory" ]; });
  fromImage = nameWith (c: c // { image = "r8.im/acme/resnet:v1"; });
}
