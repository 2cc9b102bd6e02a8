import { Args } from "./args.ts";
import type { OptionSpec } from "./option-spec.ts";
import type { CommandSpec } from "./spec.ts";
import { suggest } from "./suggest.ts";
import { UsageError } from "./usage-error.ts";

/** True when `-h`/`--help` is among the options (before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const dash = argv.indexOf("--");
  return (dash === -1 ? argv : argv.slice(0, dash)).some((a) => a === "-h" || a === "--help");
}

function findLong(options: readonly OptionSpec[], name: string): OptionSpec | undefined {
  return options.find((o) => o.name === name || o.aliases?.includes(name) === true);
}

function unknownOption(options: readonly OptionSpec[], given: string): UsageError {
  const names = options.filter((o) => o.hidden !== true).map((o) => `--${o.name}`);
  const close = given.startsWith("--") ? suggest(given, [...names, "--help"]) : undefined;
  return new UsageError(`unknown option ${given}${close === undefined ? "" : ` (did you mean ${close}?)`}`);
}

/**
 * The one argument parser: `--name value`, `--name=value`, `-x value`,
 * `-xvalue`, boolean `--flag`s and positionals in any order. What follows
 * `--` is passed on (commands with `passThrough`) or taken as positionals.
 * Unknown options, missing values, repeated single options and the wrong
 * number of positionals are usage errors.
 */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): Args {
  const options = spec.options ?? [];
  const values = new Map<string, string[] | true>();
  const positionals: string[] = [];
  let rest: string[] = [];

  const set = (o: OptionSpec, shown: string, value: string | undefined): void => {
    if (o.kind === "boolean") {
      if (value !== undefined) throw new UsageError(`${shown} takes no value`);
      values.set(o.name, true);
      return;
    }
    if (value === undefined) throw new UsageError(`${shown} needs a value${o.value !== undefined ? ` (${o.value})` : ""}`);
    const before = values.get(o.name);
    if (o.kind === "string" && before !== undefined) throw new UsageError(`${shown} given twice`);
    values.set(o.name, [...(Array.isArray(before) ? before : []), value]);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      if (spec.passThrough !== undefined) rest = argv.slice(i + 1);
      else positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h" || arg === "--help") continue;
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    let o: OptionSpec | undefined;
    let shown: string;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      shown = eq === -1 ? arg : arg.slice(0, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      o = findLong(options, shown.slice(2));
    } else {
      shown = arg.slice(0, 2);
      o = options.find((x) => x.short === arg[1]);
      if (arg.length > 2) {
        // -xVALUE for options with a value; -x=VALUE reads as pflag does.
        if (o !== undefined && o.kind !== "boolean") inline = arg[2] === "=" ? arg.slice(3) : arg.slice(2);
        else throw unknownOption(options, arg);
      }
    }
    if (o === undefined) throw unknownOption(options, shown);
    if (o.kind !== "boolean" && inline === undefined) {
      const next = argv[i + 1];
      // `--out --json`: the option was left without its value, not given one named --json.
      if (next !== undefined && next.startsWith("--") && next.length > 2) {
        throw new UsageError(`${shown} needs a value${o.value !== undefined ? ` (${o.value})` : ""}, not the option ${next} (write ${shown}=${next} if that is the value)`);
      }
      inline = next;
      if (next !== undefined) i++;
    }
    set(o, shown, inline);
  }

  const declared = spec.positionals ?? [];
  const variadic = declared.some((p) => p.variadic === true);
  if (!variadic && positionals.length > declared.length) {
    const extra = positionals[declared.length]!;
    throw new UsageError(declared.length === 0 ? `unexpected argument ${JSON.stringify(extra)}: cognix ${spec.name} takes none` : `unexpected argument ${JSON.stringify(extra)}`);
  }
  const missing = declared.find((p, i) => p.required === true && positionals[i] === undefined);
  if (missing !== undefined) throw new UsageError(`missing ${missing.name}`);
  return new Args(spec, values, positionals, rest);
}
