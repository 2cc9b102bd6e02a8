import type { CommandSpec } from "../cli/spec.ts";
import { ENGINE_OPTION } from "./engine-option.ts";

/** `cognix run [IMAGE]` (Cog's name; `predict` too): one prediction. */
export const runCommand: CommandSpec = {
  name: "run",
  aliases: ["predict"],
  summary: "run a prediction (cog predict, or the image under docker, podman or chroot)",
  description: `Runs one prediction. IMAGE is an image the engine has (default: the model's result, loaded first when the engine lacks it), or oci:DIR[:TAG] with --engine chroot. With cog on PATH this is \`cog predict\`; without it (or with --engine) the image is started, sent the inputs over HTTP, and stopped. Files named with @ are checked before anything starts. A file output is written to ./output.EXT (or -o), a string is printed, anything else is printed as JSON.

  cognix run -i prompt="a photo of a cat"
  cognix run -i image=@photo.jpg -o output.png
  echo '{"prompt": "a cat"}' | cognix run --json @-
  cognix run --engine chroot -i name=world   # no container engine: root, umoci, unshare`,
  options: [
    { name: "input", short: "i", kind: "list", value: "NAME=VALUE", help: "an input; NAME=@FILE sends a file (repeatable; a list input may repeat)", cog: true },
    { name: "json", kind: "string", value: "INPUTS", help: "the inputs as a JSON object: @inputs.json, @- (stdin) or the JSON itself; \"@FILE\" strings send files", cog: true },
    { name: "output", short: "o", kind: "string", value: "FILE", help: "where the output goes (default: ./output with the file's extension)", cog: true },
    { name: "env", short: "e", kind: "list", value: "NAME=VALUE", help: "an environment variable for the model (repeatable)", cog: true },
    { name: "setup-timeout", kind: "string", value: "SECONDS", help: "how long setup() may take (default 300)", aliases: ["timeout"], cog: true },
    { name: "gpus", kind: "string", value: "GPUS", help: "GPU devices, as docker run --gpus takes them (default: all when the image's run.cog.config asks for a GPU)", cog: true },
    { name: "no-gpus", kind: "boolean", help: "no GPUs even when the image asks for one" },
    { ...ENGINE_OPTION, help: "docker, podman or chroot instead of cog (chroot: no engine; root, umoci and unshare)" },
    { name: "no-cog", kind: "boolean", help: "use docker or podman even when cog is on PATH" },
    { name: "result", kind: "string", value: "R", help: "the built image to run when IMAGE is not given (default: the model's result)" },
    { name: "print-json", kind: "boolean", help: "print {files, ok, output} as JSON on stdout (not with cog)" },
  ],
  positionals: [{ name: "IMAGE" }],
  jsonOption: "print-json",
  cog: {
    command: "cog run",
    differs: "Runs a built image (the model's result by default) rather than building one; --engine chroot runs it with no container engine; --print-json is cognix's JSON output.",
    without: { "--use-replicate-token": "no Replicate context is passed", "--use-cuda-base-image": "no base image", "--use-cog-base-image": "no base image", "--progress": "run builds nothing; see build", "-f/--file": "cog.yaml or cog.yml in the model directory" },
  },
  async run(args, ctx) {
    return (await import("./predict.ts")).predictCommand(args, ctx);
  },
};
