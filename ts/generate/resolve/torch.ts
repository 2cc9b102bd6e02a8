import { TORCH_RELEASES } from "./tables/tables.generated.ts";
import type { TorchRelease, TorchVariant } from "./tables/types.ts";
import { compareVersions, greater, matches, stripLocal } from "./version.ts";

export interface TorchChoice {
  release: TorchRelease;
  variant: TorchVariant;
}

/** "+cu118" → "11.8"; null without a cuXYZ local part. */
export function cudaFromLocal(version: string): string | null {
  const plus = version.lastIndexOf("+");
  if (plus < 0) return null;
  const m = /^cu(\d{2,})$/.exec(version.slice(plus + 1));
  return m ? `${m[1]!.slice(0, -1)}.${m[1]!.slice(-1)}` : null;
}

/**
 * The CUDA versions torch wheels exist for, ascending. A `+cuXYZ` local part
 * that names a known build decides alone.
 */
export function cudasFromTorch(version: string): string[] {
  const forced = cudaFromLocal(version);
  const base = stripLocal(version);
  const cudas: string[] = [];
  for (const release of TORCH_RELEASES) {
    if (!matches(base, release.torch)) continue;
    for (const v of release.variants) {
      if (v.cuda === null) continue;
      if (forced !== null && v.cuda === forced) return [forced];
      cudas.push(v.cuda);
    }
  }
  return [...new Set(cudas)].sort(compareVersions);
}

/**
 * The GPU build Cog installs for a torch version on a CUDA: the highest CUDA
 * not above the build's, the newer torch on a tie (torch==2.1 → 2.1.2).
 */
export function torchForGpu(version: string, cuda: string): TorchChoice | null {
  let best: TorchChoice | null = null;
  for (const release of TORCH_RELEASES) {
    if (!matches(release.torch, stripLocal(version))) continue;
    for (const variant of release.variants) {
      if (variant.cuda === null || greater(variant.cuda, cuda)) continue;
      if (
        best === null ||
        greater(variant.cuda, best.variant.cuda!) ||
        (variant.cuda === best.variant.cuda && greater(release.torch, best.release.torch))
      ) {
        best = { release, variant };
      }
    }
  }
  return best;
}

/**
 * The CPU build of exactly this torch version as Cog's table spells it
 * (torchCPUPackage: "2.1" is not "2.1.0"), if one exists; a local part is ignored.
 */
export function torchForCpu(version: string): TorchChoice | null {
  for (const release of TORCH_RELEASES) {
    if (release.torch !== stripLocal(version)) continue;
    const variant = release.variants.find((v) => v.cuda === null);
    return variant ? { release, variant } : null;
  }
  return null;
}

/** The GPU build for a torchvision version: highest CUDA not above the build's. */
export function torchvisionForGpu(version: string, cuda: string): TorchChoice | null {
  let best: TorchChoice | null = null;
  for (const release of TORCH_RELEASES) {
    for (const variant of release.variants) {
      if (stripLocal(variant.torchvision) !== stripLocal(version) || variant.cuda === null || greater(variant.cuda, cuda)) continue;
      if (best === null || greater(variant.cuda, best.variant.cuda!)) best = { release, variant };
    }
  }
  return best;
}

export function torchvisionForCpu(version: string): TorchChoice | null {
  for (const release of TORCH_RELEASES) {
    const variant = release.variants.find((v) => v.cuda === null && stripLocal(v.torchvision) === stripLocal(version));
    if (variant) return { release, variant };
  }
  return null;
}

/** The newest torch release, for suggestions in messages. */
export function newestTorch(python?: string): TorchRelease | null {
  const list = python === undefined ? TORCH_RELEASES : TORCH_RELEASES.filter((r) => r.pythons.includes(python));
  return list[list.length - 1] ?? null;
}
