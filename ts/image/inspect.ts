import type { ImageSpec } from "./spec-types.ts";
import { formatBytes } from "../util/progress.ts";

export interface SpecSummary {
  name: string;
  tag: string;
  architecture: string;
  created: string;
  configDigest: string | null;
  manifestDigest: string | null;
  closurePaths: number;
  narSize: number;
  planner: ImageSpec["planner"];
  layers: { id: string; kind: string; paths: number; narSize: number; diffId: string | null; size: number | null }[];
}

export function summarizeSpec(spec: ImageSpec): SpecSummary {
  return {
    name: spec.name,
    tag: spec.tag,
    architecture: spec.architecture,
    created: spec.created,
    configDigest: spec.configDigest ?? null,
    manifestDigest: spec.manifestDigest ?? null,
    closurePaths: spec.closure.length,
    narSize: spec.closure.reduce((s, n) => s + n.narSize, 0),
    planner: spec.planner,
    layers: spec.layers.map((l) => ({
      id: l.id,
      kind: l.kind,
      paths: l.kind === "store" ? (l.paths?.length ?? 0) : (l.entries?.length ?? 0),
      narSize: l.narSize ?? 0,
      diffId: l.diffId ?? null,
      size: l.size ?? null,
    })),
  };
}

export function renderSummary(s: SpecSummary): string {
  const lines = [
    `image      ${s.name}:${s.tag} (${s.architecture})`,
    `manifest   ${s.manifestDigest ?? "(not digested)"}`,
    `config     ${s.configDigest ?? "(not digested)"}`,
    `closure    ${s.closurePaths} store paths, ${formatBytes(s.narSize)}`,
    `planner    ${s.planner.algorithm}, ${s.layers.length}/${s.planner.maxLayers} layers, ${s.planner.buckets} buckets, own layer ≥ ${formatBytes(s.planner.ownLayerThreshold)}`,
    "",
  ];
  s.layers.forEach((l, i) => {
    const size = l.size === null ? formatBytes(l.narSize) + " (nar)" : formatBytes(l.size);
    const digest = l.diffId === null ? "" : l.diffId.slice(7, 19);
    lines.push(`${String(i + 1).padStart(3)}  ${digest.padEnd(12)}  ${size.padStart(16)}  ${String(l.paths).padStart(5)}  ${l.id}`);
  });
  return `${lines.join("\n")}\n`;
}
