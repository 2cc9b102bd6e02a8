import type { Context } from "../cli/context.ts";

export const PROGRESS_MODES = ["auto", "tty", "plain", "quiet"] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** Cog's default: $BUILDKIT_PROGRESS, else plain on a dumb terminal, else auto. */
export function defaultProgress(env: NodeJS.ProcessEnv): ProgressMode {
  const fromEnv = env["BUILDKIT_PROGRESS"];
  if (fromEnv !== undefined && (PROGRESS_MODES as readonly string[]).includes(fromEnv)) return fromEnv as ProgressMode;
  return env["TERM"] === "dumb" ? "plain" : "auto";
}

/**
 * nix's own arguments for a progress mode, and whether its stderr is passed
 * through: a progress bar on a terminal, build logs line by line otherwise
 * (so CI sees what is built), nothing but the error when quiet.
 */
export function nixProgress(mode: ProgressMode, ctx: Context): { args: string[]; show: boolean } {
  const resolved = mode === "auto" ? (ctx.stderr.isTTY === true ? "tty" : "plain") : mode;
  switch (resolved) {
    case "tty":
      return { args: ["--log-format", "bar"], show: true };
    case "plain":
      return { args: ["--log-format", "raw", "--print-build-logs"], show: true };
    case "quiet":
      return { args: [], show: false };
  }
}
