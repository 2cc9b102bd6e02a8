// Runs one command of this folder directly: `tsx ts/commands/main.ts NAME ARGS...`.
import { COMMANDS } from "./index.ts";

const [name, ...rest] = process.argv.slice(2);
const command = name === undefined ? undefined : COMMANDS[name];
if (command === undefined) {
  process.stderr.write(`usage: main.ts (${Object.keys(COMMANDS).join("|")}) [ARGS...]\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await command.run(rest);
}
