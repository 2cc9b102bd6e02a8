import type { Args } from "./args.ts";
import type { Context } from "./context.ts";
import type { OptionSpec } from "./option-spec.ts";

export interface PositionalSpec {
  /** As help shows it: `IMAGE`. */
  readonly name: string;
  readonly required?: boolean;
  /** Takes every remaining argument. */
  readonly variadic?: boolean;
}

/** How a command stands to Cog's, for `cognix --help` and the table in docs/cli.md. */
export interface CogCompat {
  /** Cog's command doing the same job (`cog push`), or null when Cog has none. */
  readonly command: string | null;
  /** What differs from Cog's command, one sentence; absent when nothing does. */
  readonly differs?: string;
  /** Cog's flags this command does not take, each with why. */
  readonly without?: Readonly<Record<string, string>>;
}

export type Run = (args: Args, ctx: Context) => Promise<number>;

/**
 * A command: everything its help, its parsing and its errors come from.
 * A group (`cognix image`) has subcommands instead of `run`.
 */
export interface CommandSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** Paragraphs for `--help`, after the usage line. */
  readonly description?: string;
  readonly options?: readonly OptionSpec[];
  readonly positionals?: readonly PositionalSpec[];
  /** Arguments after `--` are passed on untouched; this names them in help (`NIX_ARGS`). */
  readonly passThrough?: string;
  /** The boolean option that makes the output JSON; errors are then JSON on stdout too. */
  readonly jsonOption?: string;
  readonly cog?: CogCompat;
  readonly run?: Run;
  readonly subcommands?: readonly CommandSpec[];
}

/** A command-line program: `cognix`, or the image tool a Nix build ships. */
export interface Program {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly CommandSpec[];
  /** Printed by `--version`; absent: no such option. */
  readonly version?: () => string;
  /** Paragraphs after the command list in `--help`. */
  readonly epilog?: string;
}
