import { readFileSync } from "node:fs";
import type { Problem } from "../util/errors.ts";
import type { YamlSource } from "./yaml-source.ts";

/**
 * Names Cog sets or relies on itself, a trailing `*` matching a prefix:
 * lib/data/reserved-environment.json, which modules/cog checks too.
 */
export const RESERVED_ENVIRONMENT: readonly string[] = (
  JSON.parse(readFileSync(new URL("../../lib/data/reserved-environment.json", import.meta.url), "utf8")) as { reserved: string[] }
).reserved;

export function reservedBy(name: string): string | undefined {
  return RESERVED_ENVIRONMENT.find((p) => (p.endsWith("*") ? name.startsWith(p.slice(0, -1)) : name === p));
}

/** `environment` entries as NAME -> value; reserved and repeated names are problems. */
export function parseEnvironment(src: YamlSource, entries: readonly string[], problems: Problem[]): Record<string, string> {
  const env: Record<string, string> = {};
  entries.forEach((entry, i) => {
    const loc = src.locate(["environment", i]);
    const eq = entry.indexOf("=");
    // The schema pattern already rejects entries without NAME=.
    if (eq <= 0) return;
    const name = entry.slice(0, eq);
    const pattern = reservedBy(name);
    if (pattern !== undefined) {
      problems.push({ ...loc, message: `environment variable "${name}" is reserved for Cog's own use${pattern !== name ? ` (${pattern})` : ""}` });
      return;
    }
    if (Object.hasOwn(env, name)) {
      problems.push({ ...loc, message: `environment variable "${name}" is already defined` });
      return;
    }
    env[name] = entry.slice(eq + 1);
  });
  return env;
}
