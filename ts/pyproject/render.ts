import type { CognixConfig } from "../types/cognix.ts";
import { lockInputs, lockInputsSha256 } from "./lock-inputs.ts";
import { tomlKey, tomlString, tomlStringArray } from "./toml-emit.ts";

/** Project name of the generated pyproject.toml (a virtual project: never built). */
export const PROJECT_NAME = "cog-model";

/**
 * The pyproject.toml `uv lock` resolves for a model: its requirements, the
 * Python cog.yaml asks for, the cog SDK (pinned, or the newest with coglet),
 * and each package index as a uv index (explicit when it serves only named
 * packages, e.g. PyTorch's).
 * Same input, same bytes.
 */
export function renderPyproject(cognix: CognixConfig): string {
  const inputs = lockInputs(cognix);
  const out: string[] = [];
  out.push("# Written by `cognix generate` from cog.yaml; edits are overwritten.");
  out.push("# `cognix lock` resolves it into uv.lock.");
  out.push("");
  out.push("[project]");
  out.push(`name = ${tomlString(PROJECT_NAME)}`);
  out.push(`version = "0.0.0"`);
  out.push(`requires-python = ${tomlString(inputs.requiresPython)}`);
  out.push(`dependencies = ${tomlStringArray(inputs.dependencies)}`);
  out.push("");
  out.push("[tool.uv]");
  out.push("package = false");
  // Images run on Linux: resolve for it only.
  out.push(`environments = ${tomlStringArray(["sys_platform == 'linux'"])}`);
  if (inputs.findLinks.length > 0) out.push(`find-links = ${tomlStringArray(inputs.findLinks)}`);
  for (const idx of inputs.indexes) {
    out.push("");
    out.push("[[tool.uv.index]]");
    out.push(`name = ${tomlString(idx.name)}`);
    out.push(`url = ${tomlString(idx.url)}`);
    out.push(`explicit = ${idx.explicit ? "true" : "false"}`);
  }
  const sourced = Object.keys(inputs.sources).sort();
  if (sourced.length > 0) {
    out.push("");
    out.push("[tool.uv.sources]");
    for (const pkg of sourced) out.push(`${tomlKey(pkg)} = { index = ${tomlString(inputs.sources[pkg]!)} }`);
  }
  out.push("");
  out.push("[tool.cognix]");
  out.push(`inputs-sha256 = ${tomlString(lockInputsSha256(inputs))}`);
  return `${out.join("\n")}\n`;
}
