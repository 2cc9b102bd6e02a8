import { formatBytes } from "../util/progress.ts";
import type { SizeReport } from "./size-report.ts";
import { renderTable } from "./table.ts";

/** The size report as two tables: layers, then the `top` largest store paths (0: all). */
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
