import type { Context } from "../cli/context.ts";
import { chrootMissing } from "../runtime/chroot.ts";
import { CognixError } from "../util/errors.ts";
import { findExecutable } from "./exec.ts";

export type EngineName = "docker" | "podman" | "chroot";

export interface Engine {
  name: EngineName;
  path: string;
}

/**
 * The container engine to use: the one asked for, else docker, else podman.
 * `chroot` (root, umoci, unshare: ts/runtime/chroot.ts) is never picked
 * unless asked for.
 */
export function chooseEngine(ctx: Context, wanted?: EngineName): Engine {
  if (wanted === "chroot") {
    const missing = chrootMissing();
    if (missing.length > 0) throw new CognixError({ message: `--engine chroot needs ${missing.join(", ")}` });
    return { name: "chroot", path: "unshare" };
  }
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
