import { parseArgs, wantsHelp } from "./parse.ts";
import { commandHelp, programHelp, usageLine } from "./help.ts";
import { EXIT, reportError } from "./report.ts";
import type { Context } from "./context.ts";
import type { CommandSpec, Program } from "./spec.ts";
import { suggest } from "./suggest.ts";
import { UsageError } from "./usage-error.ts";

/** The command called `name` (or one of its aliases). */
export function findCommand(commands: readonly CommandSpec[], name: string): CommandSpec | undefined {
  return commands.find((c) => c.name === name || c.aliases?.includes(name) === true);
}

/** Whether the command line asks for JSON output: the command's JSON flag among its options. */
function wantsJson(spec: CommandSpec, argv: readonly string[]): boolean {
  if (spec.jsonOption === undefined) return false;
  const dash = argv.indexOf("--");
  return (dash === -1 ? argv : argv.slice(0, dash)).includes(`--${spec.jsonOption}`);
}

/** `error: …` and the usage for a command line naming no known command. */
function unknownCommand(path: string, commands: readonly CommandSpec[], given: string, ctx: Context): number {
  const names = commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  const close = suggest(given, names);
  const what = given.startsWith("-") ? `unknown option ${given}` : `unknown command ${JSON.stringify(given)}${close === undefined ? "" : ` (did you mean ${close}?)`}`;
  return reportError(new UsageError(what), ctx, { json: false, usage: `Usage: ${path} <command> [options]\nRun \`${path} --help\` for the commands.\n` });
}

/** Runs one command (or a group's subcommand) and returns its exit code; never throws. */
export async function runCommandLine(path: string, spec: CommandSpec, argv: readonly string[], ctx: Context): Promise<number> {
  if (spec.subcommands !== undefined) {
    const [name, ...rest] = argv;
    const groupPath = `${path} ${spec.name}`;
    if (name === undefined || name === "-h" || name === "--help" || name === "help") {
      (name === undefined ? ctx.stderr : ctx.stdout).write(commandHelp(path, spec));
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const sub = findCommand(spec.subcommands, name);
    if (sub === undefined) return unknownCommand(groupPath, spec.subcommands, name, ctx);
    return runCommandLine(groupPath, sub, rest, ctx);
  }
  const json = wantsJson(spec, argv);
  const usage = `Usage: ${usageLine(path, spec)}\nRun \`${path} ${spec.name} --help\` for the options.\n`;
  try {
    if (wantsHelp(argv)) {
      ctx.stdout.write(commandHelp(path, spec));
      return EXIT.ok;
    }
    const args = parseArgs(spec, argv);
    if (spec.run === undefined) throw new Error(`${path} ${spec.name} has nothing to run`);
    return await spec.run(args, ctx);
  } catch (err) {
    return reportError(err, ctx, { json, usage });
  }
}

/**
 * Runs a program's command line: `--help`, `--version`, `help [COMMAND]`,
 * then the named command. Returns the exit code; never throws.
 */
export async function runProgram(program: Program, argv: readonly string[], ctx: Context): Promise<number> {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
      ctx.stderr.write(programHelp(program));
      return EXIT.usage;
    case "-h":
    case "--help":
      ctx.stdout.write(programHelp(program));
      return EXIT.ok;
    case "help": {
      const topic = rest[0] === undefined ? undefined : findCommand(program.commands, rest[0]);
      if (rest[0] !== undefined && topic === undefined) return unknownCommand(program.name, program.commands, rest[0], ctx);
      ctx.stdout.write(topic === undefined ? programHelp(program) : commandHelp(program.name, topic));
      return EXIT.ok;
    }
    case "--version":
      if (program.version !== undefined) {
        ctx.stdout.write(`${program.version()}\n`);
        return EXIT.ok;
      }
  }
  const spec = findCommand(program.commands, name);
  if (spec === undefined) return unknownCommand(program.name, program.commands, name, ctx);
  return runCommandLine(program.name, spec, rest, ctx);
}
