{
  description = "A Cog model, built into an OCI image with cognix";

  inputs = {
    cognix.url = "github:cognix/cognix";
    nixpkgs.follows = "cognix/nixpkgs";
  };

  # 1. `cognix generate` (writes cognix.json) and `cognix lock` (uv.lock)
  # 2. `nix build` then `./result load | docker load`, or `./result push REF`
  outputs = { self, cognix, nixpkgs }:
    cognix.lib.cognixFlake {
      inherit self nixpkgs;
      src = ./.;
      modules = [
        ({ lib, pkgs, ... }: {
          python.uvLock = ./uv.lock;
          python.pyproject = ./pyproject.toml;
          # Examples of overrides:
          # image.systemPackages = [ pkgs.ffmpeg ];
          # image.labels."run.cog.version" = lib.mkForce "0.16.8";
        })
      ];
    };
}
