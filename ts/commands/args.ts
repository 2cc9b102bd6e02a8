import { parseArgs, type ParseArgsConfig } from "node:util";
import { CognixError } from "../util/errors.ts";
import { parseArgsMessage } from "../util/parse-args-message.ts";

export { parseArgsMessage };

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** A usage error: the message, then the command's help; exit code 2. */
export function usageError(message: string, help: string): CognixError {
  return new CognixError({ message: `${message}\n\n${help.trimEnd()}` }, 2);
}

/**
 * Strict option parsing: unknown options and bad values are usage errors.
 * Everything after `--` is returned in `rest` untouched (passed on to a tool).
 */
export function parseCommandArgs(argv: readonly string[], options: Options, help: string, maxPositionals: number): Parsed & { rest: string[] } {
  const dash = argv.indexOf("--");
  const own = dash === -1 ? [...argv] : argv.slice(0, dash);
  const rest = dash === -1 ? [] : argv.slice(dash + 1);
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: own, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true }) as Parsed;
  } catch (err) {
    throw usageError(parseArgsMessage(err), help);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw usageError(`unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`, help);
  }
  return { ...parsed, rest };
}

export function stringOption(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

export function listOption(p: Parsed, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}
