import type { CommandSpec } from "../cli/spec.ts";

/** `cognix login [REGISTRY]`: credentials into the docker config push reads. */
export const loginCommand: CommandSpec = {
  name: "login",
  summary: "log in to a registry (writes the docker config push reads)",
  description:
    "Saves credentials for REGISTRY (default: r8.im, or $COG_REGISTRY_HOST) where docker keeps them: the docker config's credsStore helper, else auths in $DOCKER_CONFIG/config.json (~/.docker/config.json), which `cognix push` reads. For r8.im (or with --token-stdin) the secret is a Replicate CLI token (https://replicate.com/auth/token), checked with the registry, which names the user; for others a username and password. Without the -stdin options, it asks at the terminal (the secret is not echoed).",
  options: [
    { name: "token-stdin", kind: "boolean", help: "read a Replicate CLI token from stdin", cog: true },
    { name: "username", short: "u", kind: "string", value: "USER", help: "the username (other registries)" },
    { name: "password-stdin", kind: "boolean", help: "read the password from stdin (other registries)" },
  ],
  positionals: [{ name: "REGISTRY" }],
  cog: { command: "cog login", differs: "Takes the registry as REGISTRY (Cog: --registry); -u and --password-stdin log in to other registries without a terminal." },
  async run(args, ctx) {
    return (await import("./login-run.ts")).login(args, ctx);
  },
};
