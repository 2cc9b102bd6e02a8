/** A CUDA version Cog has base images for, with the cuDNN majors available for it. */
export interface CudaVersion {
  /** Full version, e.g. "12.1.1". */
  version: string;
  /** cuDNN majors, ascending, e.g. ["8"]. */
  cudnn: readonly string[];
}

/** One build of a torch release. */
export interface TorchVariant {
  /** "cpu", "cuXYZ", or "pypi" for the wheels on plain PyPI. */
  variant: string;
  /** major.minor CUDA the wheels were built for; null for CPU. */
  cuda: string | null;
  /** Version as published, with its local part, e.g. "2.1.0+cu121". */
  torch: string;
  torchvision: string;
  /** Index serving the wheels, without trailing slash; null for PyPI. */
  indexUrl: string | null;
}

export interface TorchRelease {
  /** Public version, e.g. "2.1.0". */
  torch: string;
  torchvision: string;
  torchaudio: string;
  /** Python minors with wheels, ascending. */
  pythons: readonly string[];
  /** CPU first, then by CUDA ascending. */
  variants: readonly TorchVariant[];
}

export interface TensorflowBuild {
  version: string;
  /** major.minor */
  cuda: string;
  /** major */
  cudnn: string;
  cpuPackage: string;
  gpuPackage: string;
  pythons: readonly string[];
}
