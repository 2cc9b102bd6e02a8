// The part of the cognix CLI that a Nix build ships: commands whose code uses
// Node built-ins only (no yaml/ajv), so `tsc` and `node` are all it needs.
// `./result` runs `image`; `nix run .#<model>.push-weights` runs `push-weights`.
import { main as imageMain } from "../image/main.ts";
import { pushWeightsCommand } from "../weights/push-command.ts";
import { lockWeightsCommand } from "../weights/lock-command.ts";

const USAGE = `usage: cognix <image|push-weights|lock-weights> [options]
(the full cognix CLI, with generate/lock/build…, is the npm package)
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "image":
      return imageMain([...rest]);
    case "push-weights":
      return pushWeightsCommand([...rest]);
    case "lock-weights":
      return lockWeightsCommand([...rest]);
    case "-h":
    case "--help":
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`unknown command ${JSON.stringify(command ?? "")}\n${USAGE}`);
      return 2;
  }
}

const entry = process.argv[1];
if (entry !== undefined && /(^|[\\/])tool[\\/]main\.(ts|js)$/.test(entry)) {
  process.exitCode = await main(process.argv.slice(2));
}
