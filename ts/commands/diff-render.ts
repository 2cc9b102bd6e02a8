import { formatBytes } from "../util/progress.ts";
import type { DiffReport } from "./diff-report.ts";
import { renderTable } from "./table.ts";

/** The diff report as tables: shared and unshared layers, then store paths. */
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
