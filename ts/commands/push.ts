import type { CommandSpec } from "../cli/spec.ts";
import { PUSH_OPTIONS } from "../registry/push-options.ts";
import { PROGRESS_MODES } from "./build-progress.ts";

/** `cognix push [IMAGE]`: the model's image to a registry, built first when ./result is stale. */
export const pushCommand: CommandSpec = {
  name: "push",
  summary: "push the model's image to a registry (building it first when stale)",
  description:
    "Pushes the built image to IMAGE (default: cog.yaml's image:). When the model's result is missing or older than what the flake builds now, it is built first (as cog push builds); --result names an image to push as it is. Layers the registry already has are not uploaded again. Credentials come from the docker config (~/.docker/config.json, $DOCKER_CONFIG; `cognix login` writes it) or $REGISTRY_AUTH_FILE. localhost and 127.0.0.1 are spoken to in plain HTTP, as Docker does.",
  options: [
    { name: "result", kind: "string", value: "R", help: "push this built image as it is (default: the model's result, rebuilt when stale)" },
    { name: "progress", kind: "string", value: "MODE", help: "the build's progress, when it builds: auto, tty, plain or quiet", cog: true },
    ...PUSH_OPTIONS,
  ],
  positionals: [{ name: "IMAGE" }],
  passThrough: "NIX_ARGS",
  jsonOption: "json",
  cog: {
    command: "cog push",
    differs: "Builds only when the image is stale; the push skips layers the registry has, from any machine.",
    without: { "--separate-weights": "use cognix build --separate-weights", "--secret": "see build", "--no-cache": "see build", "--openapi-schema": "see build", "--use-cuda-base-image": "see build", "--use-cog-base-image": "see build", "--dockerfile": "see build", "--strip": "see build", "--precompile": "see build", "-f/--file": "see build" },
  },
  async run(args, ctx) {
    const { pushCommandRun } = await import("./push-run.ts");
    return pushCommandRun(args, ctx, args.choice("progress", PROGRESS_MODES));
  },
};
