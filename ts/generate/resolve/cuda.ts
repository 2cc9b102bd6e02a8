import { CUDA_VERSIONS } from "./tables/tables.generated.ts";
import { compareVersions, greater, majorMinor, matches } from "./version.ts";

/** What Cog uses on a GPU build when neither torch nor TensorFlow decides. */
export const DEFAULT_CUDA = "11.8";
const MINIMUM_CUDA_MAJOR = 11;

/** Known CUDA minors, ascending ("11.0", …, "13.2"). */
export function knownCudaMinors(): string[] {
  return [...new Set(CUDA_VERSIONS.map((c) => majorMinor(c.version)))].sort(compareVersions);
}

/** Why a build.cuda value is unusable, or null when it is fine. */
export function cudaValueProblem(value: string): string | null {
  const parts = value.split(".");
  if (parts.length < 2) {
    return `CUDA version "${value}" must include both major and minor versions, e.g. "${value}.0" or "11.8"`;
  }
  if (!/^\d+$/.test(parts[0]!)) return `invalid major version in CUDA version "${value}"`;
  if (!/^\d+$/.test(parts[1]!) || parts.slice(2).some((p) => !/^\d+$/.test(p)) || parts.length > 3) {
    return `invalid CUDA version "${value}"`;
  }
  if (Number(parts[0]) < MINIMUM_CUDA_MAJOR) {
    return `minimum supported CUDA version is ${MINIMUM_CUDA_MAJOR}, requested "${value}"`;
  }
  if (compatibleCudnns(value).length === 0) {
    return `CUDA ${value} is not supported by Cog; supported versions: ${knownCudaMinors().join(", ")}`;
  }
  return null;
}

/** cuDNN majors Cog has a base image for with this CUDA, ascending. */
export function compatibleCudnns(cuda: string): string[] {
  const out = new Set<string>();
  for (const c of CUDA_VERSIONS) if (matches(cuda, c.version)) for (const d of c.cudnn) out.add(d);
  return [...out].sort(compareVersions);
}

/** The newest cuDNN for a CUDA (8 up to 12.2, 9 from 12.3), or null if CUDA is unknown. */
export function latestCudnn(cuda: string): string | null {
  const all = compatibleCudnns(cuda);
  return all.length === 0 ? null : all[all.length - 1]!;
}

/** The highest of a list of CUDA versions. */
export function latestCuda(cudas: readonly string[]): string | null {
  let latest: string | null = null;
  for (const c of cudas) if (latest === null || greater(c, latest)) latest = c;
  return latest;
}
