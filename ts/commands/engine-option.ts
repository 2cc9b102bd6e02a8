import type { Args } from "../cli/args.ts";
import type { OptionSpec } from "../cli/option-spec.ts";
import type { EngineName } from "./engine.ts";

/** `--engine`, shared by the commands that start or load an image. */
export const ENGINE_OPTION: OptionSpec = {
  name: "engine",
  kind: "string",
  value: "ENGINE",
  help: "docker, podman or chroot (default: docker when found, else podman)",
};

/** The engine asked for, checked against those the command can use. */
export function engineName(args: Args, allowed: readonly EngineName[]): EngineName | undefined {
  return args.choice("engine", allowed);
}
