import type { OptionSpec } from "./option-spec.ts";
import { UsageError } from "./usage-error.ts";

/** What Args reads of its command's declaration (a CommandSpec is one). */
interface Declared {
  readonly name: string;
  readonly options?: readonly OptionSpec[];
}

/** A parsed command line: read through the accessors, which check the name is declared. */
export class Args {
  constructor(
    readonly spec: Declared,
    private readonly values: ReadonlyMap<string, readonly string[] | true>,
    readonly positionals: readonly string[],
    /** What followed `--`, for commands that pass it on. */
    readonly rest: readonly string[],
  ) {}

  private option(name: string, kinds: readonly OptionSpec["kind"][]): OptionSpec {
    const o = this.spec.options?.find((x) => x.name === name);
    // Asking for an undeclared option is a bug in the command, not the user's doing.
    if (o === undefined) throw new Error(`cognix ${this.spec.name} reads --${name}, which it does not declare`);
    if (!kinds.includes(o.kind)) throw new Error(`cognix ${this.spec.name} reads --${name} as ${kinds.join("/")}, but it is declared ${o.kind}`);
    return o;
  }

  /** Whether the option was given at all. */
  has(name: string): boolean {
    this.option(name, ["boolean", "string", "list"]);
    return this.values.has(name);
  }

  flag(name: string): boolean {
    this.option(name, ["boolean"]);
    return this.values.get(name) === true;
  }

  string(name: string): string | undefined {
    this.option(name, ["string"]);
    const v = this.values.get(name);
    return v === undefined || v === true ? undefined : v[0];
  }

  /** A value option the command cannot do without: a usage error when it is not given. */
  required(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw new UsageError(`--${name} is required`);
    return v;
  }

  list(name: string): string[] {
    this.option(name, ["list"]);
    const v = this.values.get(name);
    return v === undefined || v === true ? [] : [...v];
  }

  positional(index: number): string | undefined {
    return this.positionals[index];
  }

  /** A whole number option within bounds; anything else is a usage error naming the option. */
  integer(name: string, bounds: { min?: number; max?: number } = {}): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const n = /^[-+]?\d+$/.test(text) ? Number(text) : NaN;
    const min = bounds.min ?? Number.MIN_SAFE_INTEGER;
    const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = bounds.max !== undefined ? `a whole number from ${min} to ${max}` : bounds.min !== undefined ? `a whole number of at least ${min}` : "a whole number";
      throw new UsageError(`--${name} must be ${range}, not ${JSON.stringify(text)}`);
    }
    return n;
  }

  /** One of `choices`; anything else is a usage error listing them. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${name} must be ${orList(choices)}, not ${JSON.stringify(text)}`);
    return text as T;
  }
}

/** `a, b or c`. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}
