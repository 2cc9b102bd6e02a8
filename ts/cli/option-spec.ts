/** One option of a command, as `--help` shows it and the parser reads it. */
export interface OptionSpec {
  /** Long name without the dashes: `out-link`. */
  readonly name: string;
  /** One letter: `o` for `-o`. */
  readonly short?: string;
  /** `boolean`: a flag; `string`: one value; `list`: a value, repeatable. */
  readonly kind: "boolean" | "string" | "list";
  /** The value's placeholder in help: `FILE`. */
  readonly value?: string;
  readonly help: string;
  /** Older long names still read (not shown). */
  readonly aliases?: readonly string[];
  /** Read but not shown in help. */
  readonly hidden?: boolean;
  /** Cog's command has this flag: `true` when it means the same, else how cognix's differs. */
  readonly cog?: true | string;
}
