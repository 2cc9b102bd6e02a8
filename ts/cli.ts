#!/usr/bin/env node
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CognixError, formatProblem } from "./util/errors.ts";
import type { Io } from "./generate/command.ts";
import { COMMANDS } from "./commands/index.ts";

const SUMMARIES: readonly (readonly [string, string])[] = [
  ["generate [DIR]", "cog.yaml -> cognix.json"],
  ["lock [DIR]", "pyproject.toml + uv.lock (uv lock) and weights.lock.json"],
  ...Object.entries(COMMANDS).map(([name, c]) => [name, c.summary] as const),
  ["push-weights", "upload run-time weights to a bucket or registry"],
  ["image ...", "image spec, layers, load / oci / push (low level)"],
];

const HELP = `Usage: cognix <command> [options]

Build Replicate Cog model images deterministically with Nix.

Commands:
${SUMMARIES.map(([name, summary]) => `  ${name.padEnd(16)} ${summary}`).join("\n")}

Run \`cognix <command> --help\` for a command's options.

Options:
  -h, --help       show this help
  --version        print the version

Exit codes: 0 ok, 1 error in the input, 2 usage error, 70 internal error.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

/** Runs one cognix command line and returns its exit code; never throws. */
export async function main(argv: readonly string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case undefined:
        io.stderr.write(HELP);
        return 2;
      case "-h":
      case "--help":
      case "help":
        io.stdout.write(HELP);
        return 0;
      case "--version":
        io.stdout.write(`${version()}\n`);
        return 0;
      // Each command's modules load only when it runs, so start-up stays that of Node.
      case "generate":
        return (await import("./generate/command.ts")).runGenerate(rest, io);
      case "image":
        return await (await import("./image/main.ts")).main([...rest], io);
      case "lock":
        return await (await import("./lock/command.ts")).lockCommand([...rest]);
      case "push-weights":
        return await (await import("./weights/push-command.ts")).pushWeightsCommand([...rest]);
      default: {
        const sub = COMMANDS[command];
        if (sub !== undefined) return await sub.run([...rest]);
        io.stderr.write(`${command.startsWith("-") ? `unknown option ${command}` : `unknown command ${JSON.stringify(command)}`}\n\n${HELP}`);
        return 2;
      }
    }
  } catch (err) {
    if (err instanceof CognixError) {
      for (const p of err.problems) io.stderr.write(`${formatProblem(p)}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`internal error: ${message}\n`);
    if (process.env.COGNIX_DEBUG === "1" && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return 70;
  }
}

// Run only as the entry point (tsx ts/cli.ts, node dist/cli.js, or the
// `cognix` link npm makes to it), not when imported.
const entry = process.argv[1];
if (entry !== undefined && realpathSync(entry) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
