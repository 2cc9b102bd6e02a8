import type { Location, Problem } from "../../util/errors.ts";
import { compatibleCudnns, cudaValueProblem, DEFAULT_CUDA, latestCuda, latestCudnn } from "./cuda.ts";
import type { FrameworkPin } from "./frameworks.ts";
import { findTensorflow } from "./tensorflow.ts";
import { cudaFromLocal, cudasFromTorch, newestTorch } from "./torch.ts";
import { equalMinor, parseVersion } from "./version.ts";

export interface CudaInput {
  cuda?: { value: string; loc: Location };
  cudnn?: { value: string; loc: Location };
  torch: FrameworkPin | null;
  tensorflow: FrameworkPin | null;
  python: string | null;
}

export interface CudaChoice {
  version: string;
  cudnn: string;
}

/**
 * Cog's CUDA completion for GPU builds (validateAndCompleteCUDA): TensorFlow
 * decides when present, else torch (its highest CUDA), else 11.8; cuDNN is
 * TensorFlow's or the newest for that CUDA. Returns null when a problem was
 * recorded.
 */
export function chooseCuda(input: CudaInput, problems: Problem[], warnings: Problem[]): CudaChoice | null {
  const start = problems.length;
  let cuda = input.cuda?.value.trim() || undefined;
  let cudnn = input.cudnn?.value.trim() || undefined;
  const cudaLoc = input.cuda?.loc ?? {};
  const cudnnLoc = input.cudnn?.loc ?? {};

  if (cuda !== undefined) {
    const bad = cudaValueProblem(cuda);
    if (bad !== null) {
      problems.push({ ...cudaLoc, message: bad });
      return null;
    }
  }
  if (cuda !== undefined && cudnn !== undefined && !compatibleCudnns(cuda).includes(cudnn)) {
    problems.push({ ...cudnnLoc, message: incompatible(cuda, cudnn) });
  }

  const { torch, tensorflow } = input;
  let torchCudas: string[] = [];
  if (torch !== null) {
    if (torch.kind === "none") {
      const example = newestTorch(input.python ?? undefined)?.torch ?? "2.5.1";
      problems.push({
        ...torch.loc,
        message: `torch version must be specified when using CUDA: "${torch.text}" does not say which torch to install, so the CUDA version cannot be chosen. Pin it exactly, e.g. torch==${example}`,
      });
    } else {
      torchCudas = cudasFromTorch(torch.version);
    }
  }

  if (tensorflow !== null && tensorflow.kind !== "none") {
    const tfVersion = tensorflow.version;
    const match = findTensorflow(tfVersion);
    if (match?.bySeries) {
      warnings.push({ ...tensorflow.loc, message: `tensorflow ${tfVersion} is not in Cog's table; using CUDA ${match.build.cuda} and cuDNN ${match.build.cudnn} of tensorflow ${match.build.version}, the same minor series` });
    }
    if (cuda === undefined) {
      if (match === null) {
        problems.push({
          ...tensorflow.loc,
          message: `cog doesn't know what CUDA version is compatible with ${tensorflow.kind === "exact" ? `tensorflow==${tfVersion}` : tensorflow.text}. Set build.cuda (and build.cudnn) in cog.yaml to the versions it was built for (https://www.tensorflow.org/install/source#gpu), or pin a tensorflow Cog knows`,
        });
        return null;
      }
      cuda = match.build.cuda;
    } else if (match !== null && !equalMinor(match.build.cuda, cuda)) {
      if (parseVersion(match.build.cuda)?.major !== parseVersion(cuda)?.major) {
        problems.push({ ...cudaLoc, message: `TensorFlow ${tfVersion} is incompatible with CUDA ${cuda}: TensorFlow ${tfVersion} requires CUDA ${match.build.cuda}` });
      } else {
        warnings.push({ ...cudaLoc, message: `Cog doesn't know if CUDA ${cuda} is compatible with TensorFlow ${tfVersion}. This might cause CUDA problems. Try ${match.build.cuda} instead?` });
      }
    }
    if (cudnn === undefined) {
      cudnn = match?.build.cudnn ?? latestCudnn(cuda) ?? undefined;
    } else if (match !== null && cudnn !== match.build.cudnn) {
      problems.push({
        ...cudnnLoc,
        message: `the specified cuDNN version ${cudnn} is not compatible with tensorflow==${tfVersion}. Compatible cuDNN version is: ${match.build.cudnn}`,
      });
    }
  } else if (torch !== null && torch.kind !== "none") {
    if (cuda === undefined) {
      const latest = latestCuda(torchCudas);
      if (latest === null) {
        const hinted = cudaFromLocal(torch.version);
        problems.push({
          ...torch.loc,
          message: `cog doesn't know what CUDA version is compatible with ${torch.kind === "exact" ? `torch==${torch.version}` : torch.text}. Set build.cuda in cog.yaml to the CUDA its wheels were built for${hinted ? ` (here "${hinted}")` : ""} (https://pytorch.org/get-started/previous-versions/), or pin a torch Cog knows`,
        });
        return null;
      }
      cuda = latest;
      const local = cudaFromLocal(torch.version);
      if (local !== null && local !== cuda) {
        warnings.push({ ...torch.loc, message: `${torch.text}: there is no known cu${local.replace(".", "")} build of torch ${torch.version.split("+")[0]}; using CUDA ${cuda}` });
      }
    } else if (!torchCudas.some((c) => equalMinor(c, cuda!))) {
      const hint = torchCudas.length > 0 ? ` Try ${torchCudas[torchCudas.length - 1]} instead?` : "";
      warnings.push({ ...cudaLoc, message: `Cog doesn't know if CUDA ${cuda} is compatible with PyTorch ${torch.version}. This might cause CUDA problems.${hint}` });
    }
  } else if (cuda === undefined) {
    cuda = DEFAULT_CUDA;
    if (tensorflow !== null) {
      warnings.push({ ...tensorflow.loc, message: `${tensorflow.text}: tensorflow is not pinned, so CUDA ${DEFAULT_CUDA} is used; pin it (e.g. tensorflow==2.15.0) to get the CUDA it needs` });
    }
  }

  if (problems.length > start || cuda === undefined) return null;
  if (cudnn === undefined) {
    const latest = latestCudnn(cuda);
    if (latest === null) {
      problems.push({ ...cudaLoc, message: `CUDA ${cuda} is not supported by Cog` });
      return null;
    }
    cudnn = latest;
  } else if (input.cudnn === undefined && !compatibleCudnns(cuda).includes(cudnn)) {
    // A pair taken from TensorFlow's table that Cog has no base image for (e.g. 12.3 with cuDNN 8).
    warnings.push({ ...tensorflow?.loc, message: `Cog has no CUDA ${cuda} base image with cuDNN ${cudnn}; cog build would stop there, cognix uses CUDA ${cuda} with cuDNN ${cudnn} as TensorFlow needs` });
  } else if (input.cuda === undefined && input.cudnn !== undefined && !compatibleCudnns(cuda).includes(cudnn)) {
    problems.push({ ...cudnnLoc, message: incompatible(cuda, cudnn) });
    return null;
  }
  return { version: cuda, cudnn };
}

function incompatible(cuda: string, cudnn: string): string {
  return `CUDA ${cuda} is incompatible with CuDNN ${cudnn}: compatible CuDNN versions are: ${compatibleCudnns(cuda).join(", ")}`;
}
