import { formatBytes } from "../util/progress.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { flag, parseCommandArgs, stringOption, usageError } from "./args.ts";
import { processContext, type Context } from "./context.ts";
import { readImageSpec } from "./result.ts";
import { runCommand } from "./run-command.ts";
import { sizeReport, type SizeReport } from "./size-report.ts";
import { renderTable } from "./table.ts";

export const SIZE_HELP = `Usage: cognix size [IMAGE] [options]

What each layer and store path of an image contributes, largest first.
IMAGE is a built image (default: ./result) or an image spec file (.json).
Layer sizes are uncompressed tar bytes when the spec is digested, else NAR
sizes (marked "nar").

Options:
      --top N    store paths to list (default 20; 0 lists all)
      --json     the whole report as JSON on stdout (every path)
  -h, --help     show this help

Exit codes: 0 ok, 1 error (no such image, bad spec), 2 usage, 70 internal error.
`;

export function renderSize(r: SizeReport, top: number): string {
  const layerRows = r.layers.map((l, i) => [String(i + 1), l.id, l.kind, formatBytes(l.bytes) + (l.measured === "nar" ? " (nar)" : ""), String(l.paths)]);
  const shown = top === 0 ? r.paths : r.paths.slice(0, top);
  const pathRows = shown.map((p) => [p.path, formatBytes(p.narSize), p.layer ?? "-"]);
  const more = r.paths.length - shown.length;
  return [
    `${r.image}: ${r.layers.length} layers, ${formatBytes(r.totalBytes)}; closure ${r.paths.length} store paths, ${formatBytes(r.closureNarSize)} (nar)`,
    "",
    renderTable(["#", "LAYER", "KIND", "SIZE", "ENTRIES"], layerRows, [0, 3, 4]),
    renderTable(["STORE PATH", "SIZE", "LAYER"], pathRows, [1]) + (more > 0 ? `... ${more} more (--top 0 lists all)\n` : ""),
  ].join("\n");
}

/** `cognix size [IMAGE]`. */
export async function sizeCommand(argv: string[], ctx: Context = processContext()): Promise<number> {
  return runCommand(ctx, argv, async () => {
    const p = parseCommandArgs(argv, { top: { type: "string" }, json: { type: "boolean" } }, SIZE_HELP, 1);
    if (flag(p, "help")) {
      ctx.stdout.write(SIZE_HELP);
      return 0;
    }
    const topText = stringOption(p, "top") ?? "20";
    if (!/^\d+$/.test(topText)) throw usageError(`--top must be a whole number, not ${JSON.stringify(topText)}`, SIZE_HELP);
    const report = sizeReport(await readImageSpec(ctx, p.positionals[0] ?? "result"));
    ctx.stdout.write(flag(p, "json") ? canonicalJson(report) : renderSize(report, Number(topText)));
    return 0;
  });
}
