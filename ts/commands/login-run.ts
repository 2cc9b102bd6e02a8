import type { Args } from "../cli/args.ts";
import type { Context } from "../cli/context.ts";
import { UsageError } from "../cli/usage-error.ts";
import { isLoopbackRegistry } from "../registry/loopback.ts";
import { CognixError } from "../util/errors.ts";
import { saveLogin } from "./docker-config.ts";
import { promptLine, readAllInput } from "./prompt.ts";
import { registryUrl, REPLICATE_REGISTRY, verifyToken } from "./replicate-token.ts";

/** The secret: from stdin when told so, else asked at the terminal without echo. */
async function secret(ctx: Context, fromStdin: boolean, what: string, option: string): Promise<string> {
  const stdin = ctx.stdin;
  if (fromStdin) {
    if (stdin === undefined) throw new UsageError(`${option}: there is no standard input to read`);
    return (await readAllInput(stdin)).trim();
  }
  if (stdin?.isTTY !== true) throw new UsageError(`no terminal to ask for the ${what}: give it on stdin with ${option}`);
  return (await promptLine(stdin, ctx.stderr, `${what[0]!.toUpperCase()}${what.slice(1)}: `, true)).trim();
}

/** `cognix login [REGISTRY]`. */
export async function login(args: Args, ctx: Context): Promise<number> {
  const registry = args.positional(0) ?? (ctx.env["COG_REGISTRY_HOST"] || REPLICATE_REGISTRY);
  const host = registry.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "");
  const loopback = isLoopbackRegistry(host);
  if (args.flag("token-stdin") && (args.has("username") || args.flag("password-stdin"))) {
    throw new UsageError("--token-stdin logs in with a Replicate token; -u and --password-stdin are for other registries");
  }
  let username: string;
  let password: string;
  if (args.flag("token-stdin") || (host === REPLICATE_REGISTRY && !args.has("username"))) {
    if (!args.flag("token-stdin")) ctx.stderr.write("Get a CLI token at https://replicate.com/auth/token and paste it here.\n");
    password = await secret(ctx, args.flag("token-stdin"), "token", "--token-stdin");
    username = await verifyToken(registryUrl(registry, loopback), password);
  } else {
    const given = args.string("username");
    if (given !== undefined) username = given;
    else if (ctx.stdin?.isTTY === true) username = (await promptLine(ctx.stdin, ctx.stderr, "Username: ", false)).trim();
    else throw new UsageError("no terminal to ask for the username: give it with -u USER");
    if (username === "") throw new CognixError({ message: "the username is empty" });
    password = await secret(ctx, args.flag("password-stdin"), "password", "--password-stdin");
    if (password === "") throw new CognixError({ message: "the password is empty" });
  }
  const where = await saveLogin(ctx.env, host, username, password);
  ctx.stderr.write(`logged in to ${host} as ${username} (saved in ${where})\n`);
  return 0;
}
