# The modules every cognix image is built from. Each takes cognix's library
# as the module argument `cognix` (lib/internal.nix, given as `specialArgs`).
[
  ./assertions.nix
  ./cog
  ./python
  ./cuda
  ./weights
  ./image
]
