// Writes the Cog compatibility table of docs/cli.md from the command
// declarations (`npm run gen:cli-doc`); ts/commands/tests/cli-doc.test.ts
// fails when it is stale.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { renderCompatTable, withTable } from "./compat-table.ts";
import { COMMANDS } from "./index.ts";

const file = fileURLToPath(new URL("../../docs/cli.md", import.meta.url));
const before = readFileSync(file, "utf8");
const after = withTable(before, renderCompatTable(COMMANDS));
if (after !== before) writeFileAtomic(file, after);
process.stdout.write(`${after === before ? "up to date" : "wrote"} docs/cli.md\n`);
