import { parseReference } from "../registry/reference.ts";
import { UsageError } from "../cli/usage-error.ts";

/** `NAME[:TAG]` as an image name an engine accepts, `:latest` added when no tag is given; a usage error otherwise. */
export function imageTag(value: string, option: string): string {
  let ref;
  try {
    ref = parseReference(value);
  } catch (err) {
    throw new UsageError(`${option}: ${(err as Error).message}`);
  }
  if (ref.digest !== undefined) throw new UsageError(`${option}: ${JSON.stringify(value)} has a digest; give NAME[:TAG]`);
  return ref.tag === undefined ? `${value}:latest` : value;
}
