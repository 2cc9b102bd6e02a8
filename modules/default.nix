# The modules every cognix image is built from.
[
  ./cog
  ./python
  ./cuda
  ./weights
  ./image
]
