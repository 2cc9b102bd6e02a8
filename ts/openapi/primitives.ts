import type { Primitive } from "./types.ts";

const PRIMITIVES: readonly Primitive[] = ["bool", "float", "int", "str", "Path", "File", "Secret", "Any"];

/** The primitive a bare type name denotes (`str`, `Path`, `Secret`, `Any`, …). */
export function primitiveFromName(name: string): Primitive | undefined {
  return (PRIMITIVES as readonly string[]).includes(name) ? (name as Primitive) : undefined;
}
