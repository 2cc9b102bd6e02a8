import type { OptionSpec } from "./option-spec.ts";
import type { CommandSpec, Program } from "./spec.ts";

const WIDTH = 80;
const EXIT_CODES = "Exit codes: 0 ok, 1 error, 2 usage error, 70 internal error.";

/** Words of `text` in lines of at most `width` characters, every line after the first indented by `indent` spaces. */
export function wrap(text: string, width: number, indent = 0): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${" ".repeat(indent)}`);
}

/** Blank-line separated paragraphs, each wrapped; lines starting with spaces (examples) kept as written. */
function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => (/^\s/.test(p) ? p.replace(/\s+$/, "") : wrap(p, WIDTH)))
    .join("\n\n");
}

/** `[IMAGE]`, `REF`, `[ARGS...]`. */
function positionalsText(spec: CommandSpec): string {
  return (spec.positionals ?? []).map((p) => (p.required === true ? p.name : `[${p.name}]`) + (p.variadic === true ? "..." : "")).join(" ");
}

/** `cognix build [NAME] [options] [-- NIX_ARGS...]` (`path` is the program and any group). */
export function usageLine(path: string, spec: CommandSpec): string {
  if (spec.subcommands !== undefined) return `${path} ${spec.name} <command> [options]`;
  const parts = [path, spec.name, positionalsText(spec)];
  if ((spec.options ?? []).some((o) => o.hidden !== true)) parts.push("[options]");
  if (spec.passThrough !== undefined) parts.push(`[-- ${spec.passThrough}...]`);
  return parts.filter((p) => p !== "").join(" ");
}

function optionLabel(o: OptionSpec): string {
  const long = `--${o.name}${o.kind === "boolean" ? "" : ` ${o.value ?? "VALUE"}`}`;
  return o.short !== undefined ? `-${o.short}, ${long}` : `    ${long}`;
}

/** Two columns, the second wrapped: `  -o, --out FILE   where to write`. */
function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.min(28, Math.max(...rows.map(([a]) => a.length)));
  return rows
    .map(([a, b]) => {
      const indent = 2 + width + 2;
      const text = wrap(b, WIDTH - indent, indent);
      return a.length > width ? `  ${a}\n${" ".repeat(indent)}${text}` : `  ${a.padEnd(width)}  ${text}`;
    })
    .join("\n");
}

/** Cog's name for the command and what differs, as one paragraph. */
export function cogParagraph(spec: CommandSpec): string | undefined {
  const cog = spec.cog;
  if (cog === undefined) return undefined;
  const head = cog.command === null ? "Cog has no such command." : `Cog: \`${cog.command}\`${cog.differs === undefined ? ", the same flags." : "."}`;
  const differs = cog.differs === undefined ? "" : ` ${cog.differs}`;
  const without = Object.entries(cog.without ?? {}).map(([flag, why]) => `${flag} (${why})`);
  const missing = without.length === 0 ? "" : ` Not taken from Cog: ${without.join("; ")}.`;
  return `${head}${differs}${missing}`;
}

/** A command's `--help`. */
export function commandHelp(path: string, spec: CommandSpec): string {
  const out = [`Usage: ${usageLine(path, spec)}`];
  if (spec.aliases !== undefined && spec.aliases.length > 0) out.push(`Also: ${spec.aliases.map((a) => `${path} ${a}`).join(", ")}`);
  out.push("", paragraphs(spec.description ?? spec.summary));
  if (spec.subcommands !== undefined) {
    out.push("", "Commands:", table(spec.subcommands.map((c) => [`${c.name} ${positionalsText(c)}`.trim(), c.summary])));
    out.push("", `Run \`${path} ${spec.name} <command> --help\` for a command's options.`, "", "Options:", table([["-h, --help", "show this help"]]));
  } else {
    const rows = (spec.options ?? []).filter((o) => o.hidden !== true).map((o): [string, string] => [optionLabel(o), o.help]);
    rows.push(["-h, --help", "show this help"]);
    if (spec.passThrough !== undefined) rows.push([`-- ${spec.passThrough}`, "everything after -- is passed on unchanged"]);
    out.push("", "Options:", table(rows));
  }
  const cog = cogParagraph(spec);
  if (cog !== undefined) out.push("", wrap(cog, WIDTH));
  out.push("", wrap(EXIT_CODES, WIDTH), "");
  return out.join("\n");
}

/** The program's `--help`: its commands, what differs from Cog, the global options. */
export function programHelp(program: Program): string {
  const visible = program.commands;
  const rows = visible.map((c): [string, string] => {
    const name = `${c.name}${c.subcommands !== undefined ? " ..." : ` ${positionalsText(c)}`}`.trim();
    const also = c.aliases !== undefined && c.aliases.length > 0 ? ` (also: ${c.aliases.join(", ")})` : "";
    return [name, `${c.summary}${also}`];
  });
  const out = [`Usage: ${program.name} <command> [options]`, "", wrap(program.summary, WIDTH), "", "Commands:", table(rows)];
  const cogRows = visible.filter((c) => c.cog?.differs !== undefined || c.cog?.command === null);
  if (cogRows.length > 0) {
    out.push("", "Compared with Cog (the same commands and flags unless said here):");
    out.push(table(cogRows.map((c) => [c.name, `${c.cog?.command ?? "not in Cog"}${c.cog?.differs !== undefined ? `: ${c.cog.differs}` : ""}`])));
  }
  if (program.epilog !== undefined) out.push("", paragraphs(program.epilog));
  out.push("", `Run \`${program.name} <command> --help\` for a command's options.`, "", "Options:");
  out.push(table([["-h, --help", "show this help"], ...(program.version !== undefined ? ([["    --version", "print the version"]] as [string, string][]) : [])]));
  out.push("", wrap(EXIT_CODES, WIDTH), "");
  return out.join("\n");
}
