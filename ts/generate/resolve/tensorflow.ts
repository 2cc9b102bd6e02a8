import { TENSORFLOW_BUILDS } from "./tables/tables.generated.ts";
import type { TensorflowBuild } from "./tables/types.ts";
import { equalMinor, sameRelease } from "./version.ts";

export interface TensorflowMatch {
  build: TensorflowBuild;
  /** True when only the minor series matched (2.13.1 → the 2.13.0 entry). */
  bySeries: boolean;
}

/**
 * The table entry for a TensorFlow version. Cog needs the exact version; a
 * patch release of a known minor series is accepted too, since TensorFlow
 * keeps CUDA and cuDNN fixed within a minor series.
 */
export function findTensorflow(version: string): TensorflowMatch | null {
  const exact = TENSORFLOW_BUILDS.find((b) => sameRelease(b.version, version));
  if (exact) return { build: exact, bySeries: false };
  const series = TENSORFLOW_BUILDS.filter((b) => equalMinor(b.version, version));
  const last = series[series.length - 1];
  return last ? { build: last, bySeries: true } : null;
}
