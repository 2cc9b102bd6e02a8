import type { CommandSpec } from "../cli/spec.ts";

/** `cognix doctor`: what the model and this machine lack, and what to do about it. */
export const doctorCommand: CommandSpec = {
  name: "doctor",
  summary: "check Nix, the model's files, its flake inputs and lock, and the engines; say what to fix",
  description:
    "Checks what a build, run or push of the model the current directory is in needs: Nix and its configuration, cog.yaml, cognix.json (fresh), the files git must track, flake.nix and every locked flake input (in the Nix store, or to be downloaded), uv.lock (fresh) and weights.lock.json, and docker, podman, cog or chroot to run the image. Each problem comes with what to do; exit 1 when any is an error. --fix regenerates a stale cognix.json and pyproject.toml.",
  options: [
    { name: "fix", kind: "boolean", help: "regenerate a missing or stale cognix.json and pyproject.toml, then check again", cog: true },
    { name: "json", kind: "boolean", help: "print {checks, ok} on stdout" },
  ],
  jsonOption: "json",
  cog: { command: "cog doctor", differs: "Checks cognix's needs (Nix, flake inputs, the locks, engines) rather than Cog's Python conventions.", without: { "-f/--file": "cog.yaml or cog.yml in the model directory" } },
  async run(args, ctx) {
    return (await import("./doctor-run.ts")).doctor(ctx, { fix: args.flag("fix"), json: args.flag("json") });
  },
};
