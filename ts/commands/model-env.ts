import { UsageError } from "../cli/usage-error.ts";

/** `-e NAME=VALUE` pairs as an environment; a usage error for anything else. */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`-e ${JSON.stringify(pair)}: expected NAME=VALUE, NAME letters, digits and _`);
    env[name] = pair.slice(eq + 1);
  }
  return env;
}
