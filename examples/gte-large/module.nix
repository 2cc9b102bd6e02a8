# Extra module for this example: its weights are fetched when the container
# starts instead of being baked into a layer.
{
  weights.defaultMode = "runtime";
}
