// docs/cli.md's table of how cognix stands to Cog is the one the command
// declarations make (`npm run gen:cli-doc` writes it).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderCompatTable, TABLE_END, TABLE_START, withTable } from "../compat-table.ts";
import { COMMANDS } from "../index.ts";
import { repo } from "./helpers.ts";

describe("docs/cli.md", () => {
  it("holds the compatibility table the command declarations make", () => {
    const doc = readFileSync(join(repo, "docs", "cli.md"), "utf8");
    expect(doc, "stale: run `npm run gen:cli-doc`").toBe(withTable(doc, renderCompatTable(COMMANDS)));
  });

  it("has a row for each Cog command cognix matches, with Cog's flags it takes", () => {
    const table = renderCompatTable(COMMANDS);
    for (const c of COMMANDS.filter((x) => x.cog?.command !== null && x.cog !== undefined)) expect(table).toContain(`| \`${c.cog?.command}\` | \`cognix ${c.name}\``);
    expect(table).toMatch(/\| `cog run` \| `cognix run`, `cognix predict` \| `-i\/--input`, `--json`, `-o\/--output`, `-e\/--env`, `--setup-timeout`, `--gpus` \|/);
    expect(table).toContain("| `cognix generate` |");
  });

  it("refuses a document without the table's markers", () => {
    expect(() => withTable("# no table\n", "x")).toThrow("docs/cli.md: the compatibility table's markers are missing");
    expect(withTable(`a\n${TABLE_START}\nold\n${TABLE_END}\nb`, "| t |\n")).toBe(`a\n${TABLE_START}\n\n| t |\n\n${TABLE_END}\nb`);
  });
});
