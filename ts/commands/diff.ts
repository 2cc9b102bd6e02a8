import { formatBytes } from "../util/progress.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { flag, parseCommandArgs, usageError } from "./args.ts";
import { processContext, type Context } from "./context.ts";
import { diffReport, type DiffReport } from "./diff-report.ts";
import { readImageSpec } from "./result.ts";
import { runCommand } from "./run-command.ts";
import { renderTable } from "./table.ts";

export const DIFF_HELP = `Usage: cognix diff A B [--json]

The layers and bytes two images share, and what only one of them has: what a
registry that holds A still needs for B. A and B are built images (./result)
or image spec files (.json). Layers are the same when their digests are
(digested specs), else when they hold the same store paths.

Options:
      --json     the report as JSON on stdout
  -h, --help     show this help

Exit codes: 0 ok, 1 error (no such image, bad spec), 2 usage, 70 internal error.
`;

export function renderDiff(r: DiffReport): string {
  const rows = [
    ["shared", String(r.shared.layers.length), formatBytes(r.shared.bytes)],
    ["only in A", String(r.onlyA.layers.length), formatBytes(r.onlyA.bytes)],
    ["only in B", String(r.onlyB.layers.length), formatBytes(r.onlyB.bytes)],
  ];
  const lines = [
    `A: ${r.a}\nB: ${r.b}\nlayers compared by ${r.comparedBy === "diffId" ? "digest" : "store paths"}`,
    "",
    renderTable(["", "LAYERS", "BYTES"], rows, [1, 2]),
  ];
  for (const [label, s] of [["only in A", r.onlyA], ["only in B", r.onlyB]] as const) {
    if (s.layers.length > 0) lines.push(`${label}:\n${renderTable(["LAYER", "BYTES"], s.layers.map((l) => [l.id, formatBytes(l.bytes)]), [1])}`);
  }
  lines.push(`store paths: ${r.paths.shared} shared (${formatBytes(r.paths.sharedNarSize)} nar), ${r.paths.onlyA.length} only in A, ${r.paths.onlyB.length} only in B\n`);
  return lines.join("\n");
}

/** `cognix diff A B`. */
export async function diffCommand(argv: string[], ctx: Context = processContext()): Promise<number> {
  return runCommand(ctx, argv, async () => {
    const p = parseCommandArgs(argv, { json: { type: "boolean" } }, DIFF_HELP, 2);
    if (flag(p, "help")) {
      ctx.stdout.write(DIFF_HELP);
      return 0;
    }
    const [a, b] = p.positionals;
    if (a === undefined || b === undefined) throw usageError("give two images: A and B", DIFF_HELP);
    const report = diffReport(await readImageSpec(ctx, a), await readImageSpec(ctx, b), { a, b });
    ctx.stdout.write(flag(p, "json") ? canonicalJson(report) : renderDiff(report));
    return 0;
  });
}
