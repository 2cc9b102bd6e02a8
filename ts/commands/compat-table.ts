import type { OptionSpec } from "../cli/option-spec.ts";
import type { CommandSpec } from "../cli/spec.ts";

const flagName = (o: OptionSpec): string => (o.short !== undefined ? `-${o.short}/--${o.name}` : `--${o.name}`);

/** A table cell: `|` escaped, lines joined. */
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * How cognix's commands stand to Cog's, as a Markdown table made from the
 * command declarations: Cog's flags each command takes as Cog means them,
 * those it reads differently, those it does not take and why. Commands Cog
 * has no counterpart of follow.
 */
export function renderCompatTable(commands: readonly CommandSpec[]): string {
  const rows = commands.filter((c) => c.cog !== undefined && c.cog.command !== null);
  const lines = [
    "| Cog | cognix | Cog's flags, as Cog means them | Cog's flags, read differently | Cog's flags not taken | what differs |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const c of rows) {
    const options = c.options ?? [];
    const same = options.filter((o) => o.cog === true).map((o) => `\`${flagName(o)}\``);
    const differ = options.flatMap((o) => (typeof o.cog === "string" ? [`\`${flagName(o)}\`: ${o.cog}`] : []));
    const without = Object.entries(c.cog?.without ?? {}).map(([flag, why]) => `\`${flag}\`: ${why}`);
    const name = [c.name, ...(c.aliases ?? [])].map((n) => `\`cognix ${n}\``).join(", ");
    lines.push(`| \`${c.cog?.command}\` | ${name} | ${cell(same.join(", ") || "-")} | ${cell(differ.join("; ") || "-")} | ${cell(without.join("; ") || "-")} | ${cell(c.cog?.differs ?? "-")} |`);
  }
  const own = commands.filter((c) => c.cog?.command === null);
  lines.push("", "cognix's own commands (Cog has none of these):", "", "| cognix | what it does |", "| --- | --- |");
  for (const c of own) lines.push(`| \`cognix ${c.name}\` | ${cell(c.summary)}${c.cog?.differs !== undefined ? `; ${cell(c.cog.differs)}` : ""} |`);
  return `${lines.join("\n")}\n`;
}

/** docs/cli.md with the table between its markers replaced. */
export const TABLE_START = "<!-- compat-table: generated from the command declarations by `npm run gen:cli-doc`; do not edit -->";
export const TABLE_END = "<!-- compat-table end -->";

export function withTable(doc: string, table: string, file = "docs/cli.md"): string {
  const a = doc.indexOf(TABLE_START);
  const b = doc.indexOf(TABLE_END);
  if (a === -1 || b < a) throw new Error(`${file}: the compatibility table's markers are missing`);
  return `${doc.slice(0, a + TABLE_START.length)}\n\n${table}\n${doc.slice(b)}`;
}
