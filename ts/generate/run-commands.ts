import type { CognixConfig } from "../types/cognix.ts";
import type { Build } from "../types/cog-yaml.ts";
import type { Location, Problem } from "../util/errors.ts";
import type { YamlSource } from "./yaml-source.ts";

export type RunCommand = CognixConfig["run"][number];

/**
 * A build.run string may start with Docker `RUN --mount=…` options, which Cog
 * passed through to its Dockerfile. Secret mounts become `mounts` entries;
 * cache mounts only speed up Docker and are dropped; anything else is refused.
 */
export function runCommandFromString(text: string, loc: Location, problems: Problem[], warnings: Problem[]): RunCommand {
  const mounts: RunCommand["mounts"] = [];
  let rest = text.trimStart();
  while (rest.startsWith("--mount=")) {
    const end = rest.search(/\s/);
    const spec = (end === -1 ? rest : rest.slice(0, end)).slice("--mount=".length);
    rest = end === -1 ? "" : rest.slice(end).trimStart();
    const fields = new Map(spec.split(",").map((kv) => [kv.split("=")[0] ?? "", kv.slice(kv.indexOf("=") + 1)] as const));
    const type = fields.get("type") ?? "bind";
    if (type === "cache") {
      warnings.push({ ...loc, message: `--mount=${spec} dropped: cache mounts only speed up Docker builds` });
    } else if (type === "secret" && fields.has("id")) {
      const id = fields.get("id") as string;
      mounts.push({ type: "secret", id, target: fields.get("target") ?? fields.get("dst") ?? `/run/secrets/${id}` });
    } else {
      problems.push({ ...loc, message: `--mount=${spec} is not supported: only type=secret (with an id) and type=cache mounts are` });
    }
  }
  return { command: rest, mounts };
}

/**
 * build.run (strings or `{command, mounts}`) in order. Deprecated pre_install
 * commands, which Cog ran before installing Python packages, come first.
 */
export function buildRunCommands(src: YamlSource, section: string, build: Build, problems: Problem[], warnings: Problem[]): RunCommand[] {
  const run: RunCommand[] = [];
  if ((build.pre_install ?? []).length > 0) {
    warnings.push({ ...src.locateKey([section, "pre_install"]), message: "deprecated: use build.run (these commands run first among the build.run commands, after Python packages)" });
    for (const command of build.pre_install ?? []) run.push({ command, mounts: [] });
  }
  for (const [i, item] of (build.run ?? []).entries()) {
    if (typeof item === "string") run.push(runCommandFromString(item, src.locate([section, "run", i]), problems, warnings));
    else run.push({ command: item.command, mounts: (item.mounts ?? []).map((m) => ({ type: m.type, id: m.id, target: m.target })) });
  }
  return run;
}
