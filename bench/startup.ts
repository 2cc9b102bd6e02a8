/**
 * Start-up of every `cognix` command against a bare `node -e 0`, median of
 * `--runs` each, interleaved in one run: the compiled CLI (`npm run build`)
 * loading a command and answering `--help` (target ≤ 2× node), and one
 * real `generate --check` (cog.yaml read, validated with the precompiled
 * validators, resolved) for reference.
 *
 *   npx tsx bench/startup.ts [--runs 10] [--json]
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median } from "./lib/measure.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(REPO, "dist/cli.js");

const { values } = parseArgs({ options: { runs: { type: "string", default: "10" }, json: { type: "boolean", default: false } } });
const runs = Number(values.runs);

/** The commands `cognix --help` lists (two-space indent, a name, then its summary), and `image`. */
function commandNames(): string[] {
  const help = spawnSync(process.execPath, [CLI, "--help"], { cwd: REPO }).stdout.toString();
  const list = help.split("\n\n").find((block) => block.startsWith("Commands:")) ?? "";
  const names = [...list.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!);
  if (names.length === 0) throw new Error(`no commands found in cognix --help:\n${help}`);
  return names.includes("image") ? names : [...names, "image"];
}

/** The command lines measured: every command's help, then one real run. */
const LINES: string[][] = [
  ["--help"],
  ["--version"],
  ...commandNames().map((c) => [c, "--help"]),
  ["generate", join(REPO, "examples/minimal"), "--check"],
];

function seconds(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr.toString().slice(-1000)}`);
  return s;
}

const node: number[] = [];
const samples = LINES.map((): number[] => []);
for (let r = 0; r < runs; r++) {
  node.push(seconds(["-e", "0"]));
  LINES.forEach((line, i) => samples[i]!.push(seconds([CLI, ...line])));
}
const base = median(node);
const rows = LINES.map((line, i) => ({ command: `cognix ${line.join(" ").replace(REPO, "")}`, ms: median(samples[i]!) * 1000, ratio: median(samples[i]!) / base }));
const helpRows = rows.slice(0, -1);
const result = {
  runs,
  nodeMs: base * 1000,
  worst: helpRows.reduce((w, r) => (r.ratio > w.ratio ? r : w)),
  commands: rows,
};
if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  console.log(`start-up, median of ${runs} (compiled CLI)`);
  console.log(`  ${"node -e 0".padEnd(40)} ${result.nodeMs.toFixed(0).padStart(5)} ms`);
  for (const r of rows) console.log(`  ${r.command.padEnd(40)} ${r.ms.toFixed(0).padStart(5)} ms  ${r.ratio.toFixed(2)} × node`);
  console.log(`  worst: ${result.worst.command} ${result.worst.ratio.toFixed(2)} × node (target ≤ 2.00)`);
}
