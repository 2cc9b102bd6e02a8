import type { CommandSpec } from "../cli/spec.ts";
import { ENGINE_OPTION } from "./engine-option.ts";

/** `cognix serve [IMAGE]`: the image's Cog server on a port, until interrupted. */
export const serveCommand: CommandSpec = {
  name: "serve",
  summary: "serve the image's Cog HTTP API on a port until interrupted",
  description:
    "Starts the image's Cog server and keeps it running until Ctrl-C (SIGINT) or SIGTERM, then stops it. IMAGE is an image the engine has (default: the model's result, loaded first when the engine lacks it), or oci:DIR[:TAG] with --engine chroot. The server's log goes to stderr; once it is ready, `serving at URL` is printed there.\n\n  cognix serve -p 5000\n  curl http://localhost:5000/predictions -X POST -H 'Content-Type: application/json' -d '{\"input\": {\"prompt\": \"a cat\"}}'",
  options: [
    { name: "port", short: "p", kind: "string", value: "PORT", help: "port to listen on (default 8393)", cog: true },
    { name: "host", kind: "string", value: "HOST", help: "address to listen on (default 127.0.0.1; 0.0.0.0 for other machines)", cog: true },
    { name: "env", short: "e", kind: "list", value: "NAME=VALUE", help: "an environment variable for the model (repeatable)" },
    { name: "gpus", kind: "string", value: "GPUS", help: "GPU devices, as docker run --gpus takes them (default: all when the image asks for a GPU)", cog: true },
    { name: "no-gpus", kind: "boolean", help: "no GPUs even when the image asks for one" },
    { name: "setup-timeout", kind: "string", value: "SECONDS", help: "how long setup() may take before serve gives up (default 300)" },
    { ...ENGINE_OPTION, help: "docker, podman or chroot (chroot: no engine; root, umoci and unshare)" },
    { name: "result", kind: "string", value: "R", help: "the built image to serve when IMAGE is not given (default: the model's result)" },
  ],
  positionals: [{ name: "IMAGE" }],
  cog: {
    command: "cog serve",
    differs: "Serves a built image (the model's result by default) rather than building one; takes IMAGE; --engine chroot needs no container engine.",
    without: { "--upload-url": "files are returned as data URIs", "--playground": "not offered", "--playground-port": "not offered", "--progress": "serve builds nothing", "--use-cuda-base-image": "no base image", "--use-cog-base-image": "no base image", "-f/--file": "cog.yaml or cog.yml in the model directory" },
  },
  async run(args, ctx) {
    return (await import("./serve-image.ts")).serveImage(args, ctx);
  },
};
