import { readFileSync } from "node:fs";

/**
 * What Node runs every `cognix` process with (lib/data/node-flags.json says
 * why): the tests start their own `cognix` subprocesses with it too.
 */
export const NODE_FLAGS: readonly string[] = (
  JSON.parse(readFileSync(new URL("../../lib/data/node-flags.json", import.meta.url), "utf8")) as { flags: string[] }
).flags;
