import { CognixError } from "../util/errors.ts";
import type { Context } from "./context.ts";
import { findExecutable } from "./exec.ts";

export type EngineName = "docker" | "podman";

export interface Engine {
  name: EngineName;
  path: string;
}

export function parseEngine(value: string | undefined): EngineName | undefined {
  if (value === undefined || value === "docker" || value === "podman") return value;
  throw new CognixError({ message: `--engine must be docker or podman, not ${JSON.stringify(value)}` }, 2);
}

/** The container engine to use: the one asked for, else docker, else podman. */
export function chooseEngine(ctx: Context, wanted?: EngineName): Engine {
  const names: EngineName[] = wanted !== undefined ? [wanted] : ["docker", "podman"];
  for (const name of names) {
    const path = findExecutable(name, ctx.env);
    if (path !== null) return { name, path };
  }
  const what = wanted !== undefined ? `${wanted} not found on PATH` : "neither docker nor podman found on PATH";
  throw new CognixError({
    message: `${what}: install one, or write the image to a file with \`./result load -o image.tar\` or \`./result oci DIR\``,
  });
}
