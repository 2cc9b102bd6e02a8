# Conditions and messages any module adds; `image.package` checks them when
# the image is built (`cognix.checkAssertions`), as NixOS checks its own when
# the system is.
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options = {
    assertions = mkOption {
      type = types.listOf (
        types.submodule {
          options.assertion = mkOption {
            type = types.bool;
            description = "Must hold for the image to build.";
          };
          options.message = mkOption {
            type = types.str;
            description = "Error shown when it does not.";
          };
        }
      );
      default = [ ];
      internal = true;
      description = "Conditions checked when the image derivation is forced.";
    };
    warnings = mkOption {
      type = types.listOf types.str;
      default = [ ];
      internal = true;
      description = "Messages printed when the image derivation is forced.";
    };
  };
}
