import { CognixError } from "../util/errors.ts";

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string[]>;
  flags: Set<string>;
}

/**
 * Parses `--name value`, `--name=value`, boolean `--flag`s and positionals;
 * anything not declared is a usage error (exit code 2) naming the option.
 */
export function parseArgs(argv: readonly string[], valueOpts: readonly string[], flagOpts: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (flagOpts.includes(name)) {
      if (eq >= 0) throw new CognixError({ message: `${name} takes no value` }, 2);
      out.flags.add(name);
    } else if (valueOpts.includes(name)) {
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        i++;
      }
      if (value === undefined) throw new CognixError({ message: `${name} needs a value` }, 2);
      out.values.set(name, [...(out.values.get(name) ?? []), value]);
    } else {
      throw new CognixError({ message: `unknown option ${name} (options: ${[...valueOpts, ...flagOpts].join(" ")})` }, 2);
    }
  }
  return out;
}

export function single(args: ParsedArgs, name: string): string | undefined {
  const v = args.values.get(name);
  if (v === undefined) return undefined;
  if (v.length > 1) throw new CognixError({ message: `${name} given more than once` }, 2);
  return v[0];
}

export function required(args: ParsedArgs, name: string): string {
  const v = single(args, name);
  if (v === undefined) throw new CognixError({ message: `${name} is required` }, 2);
  return v;
}

export function integerOpt(args: ParsedArgs, name: string, min: number): number | undefined {
  const v = single(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new CognixError({ message: `${name} expects an integer ≥ ${min}, got ${JSON.stringify(v)}` }, 2);
  return Number(v);
}
