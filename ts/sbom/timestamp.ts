import { CognixError } from "../util/errors.ts";

/** The spec's `created` as `YYYY-MM-DDThh:mm:ssZ`, the form SPDX requires (CycloneDX accepts it too). */
export function utcSeconds(created: string): string {
  const ms = Date.parse(created);
  if (Number.isNaN(ms)) throw new CognixError({ path: ["created"], message: `not a time: ${JSON.stringify(created)}` });
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
