{
  description = "cognix: build Replicate Cog model images deterministically with Nix";

  inputs = {
    nixpkgs.url = "github:nixos/nixpkgs/nixos-unstable";
    nixpkgs-lib.url = "github:nix-community/nixpkgs.lib";
    pyproject-nix = {
      url = "github:pyproject-nix/pyproject.nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    uv2nix = {
      url = "github:pyproject-nix/uv2nix";
      inputs.pyproject-nix.follows = "pyproject-nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    pyproject-build-systems = {
      url = "github:pyproject-nix/build-system-pkgs";
      inputs.pyproject-nix.follows = "pyproject-nix";
      inputs.uv2nix.follows = "uv2nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  # Everything but `packages` and `formatter` evaluates with nixpkgs-lib
  # alone; nixpkgs is only fetched when something is built.
  outputs = inputs@{ self, nixpkgs, nixpkgs-lib, ... }:
    let
      lib = nixpkgs-lib.lib;
      cognix = import ./lib {
        inherit lib;
        pythonInputs = { inherit (inputs) nixpkgs-lib pyproject-nix uv2nix pyproject-build-systems; };
      };
      systems = [ "x86_64-linux" ];
      # Every locked example is a package: a directory of examples/ with
      # cognix.json and uv.lock, and weights.lock.json when it declares
      # weights. `nix flake check` builds what the flake exports, and an
      # unlocked example cannot be built.
      locked = name:
        let dir = ./examples + "/${name}"; in
        builtins.pathExists (dir + "/cognix.json")
        && builtins.pathExists (dir + "/uv.lock")
        && ((lib.importJSON (dir + "/cognix.json")).weights or [ ] == [ ] || builtins.pathExists (dir + "/weights.lock.json"));
      examples = lib.filterAttrs (name: type: type == "directory" && locked name) (builtins.readDir ./examples);
      exampleFlake = cognix.cognixFlake {
        inherit nixpkgs self systems;
        # An example's optional module.nix is added to its modules.
        models = lib.mapAttrs
          (name: _:
            let dir = ./examples + "/${name}"; in
            { src = dir; modules = lib.optional (builtins.pathExists (dir + "/module.nix")) (dir + "/module.nix"); })
          examples;
      };
      pkgsFor = system: nixpkgs.legacyPackages.${system};
      # The cognix command from this flake's sources, built with nixpkgs
      # (lib/cli). Known without building, so `nix flake show` needs no nixpkgs.
      cognixCli = system:
        lib.lazyDerivation {
          derivation =
            let pkgs = pkgsFor system; in
            import ./lib/cli {
              inherit lib system;
              src = self;
              inherit (pkgs) runCommand runtimeShell nodejs;
              fetchTarball = { name, url, integrity }: pkgs.fetchurl { inherit name url; hash = integrity; };
            };
          meta = { description = "The cognix command (the npm package's program)"; mainProgram = "cognix"; };
          passthru = { name = "cognix"; inherit system; };
        };
    in
    {
      lib = cognix;

      templates.default = {
        path = ./templates/default;
        description = "A Cog model built into an OCI image with cognix";
      };

      packages = lib.genAttrs systems (system:
        exampleFlake.packages.${system} // {
          cognix = cognixCli system;
          options-doc = lib.lazyDerivation {
            derivation = (pkgsFor system).writeText "cognix-options.md" cognix.optionsMarkdown;
            meta.description = "Reference of cognix's module options (Markdown)";
            passthru = { name = "cognix-options.md"; inherit system; };
          };
        });

      # `nix run .#cognix`: lib/cli/launch builds the package (with this
      # machine's node when nixpkgs cannot be had) and runs it.
      apps = lib.genAttrs systems (system:
        exampleFlake.apps.${system} // {
          # No context: Nix 2.8 takes every context of a program for a derivation;
          # the source is in the store already (the flake was read from there).
          cognix = { type = "app"; program = builtins.unsafeDiscardStringContext "${self}/lib/cli/launch"; };
        });

      formatter = lib.genAttrs systems (system:
        lib.lazyDerivation {
          derivation = (pkgsFor system).nixfmt;
          meta = { description = "Nix formatter"; mainProgram = "nixfmt"; };
          passthru = { name = "nixfmt"; inherit system; };
        });
    };
}
