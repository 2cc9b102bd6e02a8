import type { Problem } from "../../util/errors.ts";
import type { CudaChoice } from "./choose-cuda.ts";
import type { FrameworkPin } from "./frameworks.ts";
import { frameworkPin } from "./frameworks.ts";
import type { Requirement, Resolved } from "./index.ts";
import { pythonRange } from "./python.ts";
import { parseRequirement, withPinnedVersion } from "./requirement.ts";
import type { TorchVariant } from "./tables/types.ts";
import { newestTorch, torchForCpu, torchForGpu, torchvisionForCpu, torchvisionForGpu, type TorchChoice } from "./torch.ts";
import { stripLocal } from "./version.ts";

export interface RewriteInput {
  requirements: readonly Requirement[];
  gpu: boolean;
  cuda: CudaChoice | null;
  python: string | null;
  torch: FrameworkPin | null;
}

type Rewritten = Pick<Resolved, "requirements" | "indexes" | "torch">;

/**
 * Rewrites exact torch/torchvision pins the way Cog does
 * (pythonPackageForArch) and routes torch, torchvision and torchaudio to the
 * index of the chosen build, as explicit indexes: only they come from it.
 */
export function rewriteRequirements(input: RewriteInput, problems: Problem[], warnings: string[]): Rewritten {
  const indexes = new Map<string, { name: string; url: string; packages: string[] }>();
  const route = (pkg: string, variant: TorchVariant | null): void => {
    if (variant === null || variant.indexUrl === null) return;
    const entry = indexes.get(variant.indexUrl) ?? { name: `pytorch-${variant.variant}`, url: variant.indexUrl, packages: [] };
    if (!entry.packages.includes(pkg)) entry.packages.push(pkg);
    indexes.set(variant.indexUrl, entry);
  };

  const torchChoice = input.torch === null ? null : chooseTorch(input, input.torch, problems, warnings);
  const torchVariant = torchChoice?.variant ?? null;
  const torchRelease = torchChoice?.release ?? null;
  const exactTorch = input.torch?.kind === "exact";

  const requirements = input.requirements.map((req) => {
    const parsed = parseRequirement(req.text);
    if (parsed === null) return req.text;
    const pin = frameworkPin(req, parsed);
    switch (parsed.name) {
      case "torch": {
        if (pin.kind !== "exact" || parsed.url !== null) {
          route("torch", torchVariant);
          return req.text;
        }
        const choice = input.gpu ? (input.cuda ? torchForGpu(pin.version, input.cuda.version) : null) : torchForCpu(pin.version);
        if (choice === null) return req.text;
        route("torch", choice.variant);
        return withPinnedVersion(req.text, stripLocal(choice.variant.torch));
      }
      case "torchvision": {
        if (pin.kind !== "exact" || parsed.url !== null) {
          route("torchvision", torchVariant);
          return req.text;
        }
        const choice = input.gpu
          ? input.cuda
            ? torchvisionForGpu(pin.version, input.cuda.version)
            : null
          : torchvisionForCpu(pin.version);
        if (choice === null) {
          if (input.gpu && input.cuda) {
            warnings.push(`Cog doesn't know if CUDA ${input.cuda.version} is compatible with torchvision ${pin.version}. This might cause CUDA problems.`);
          }
          return req.text;
        }
        if (exactTorch && torchRelease !== null && choice.release.torchvision !== torchRelease.torchvision) {
          warnings.push(`${req.text}: torch ${torchRelease.torch} goes with torchvision ${torchRelease.torchvision}`);
        }
        route("torchvision", choice.variant);
        // Cog keeps the local part of CPU torchvision builds (0.12.0+cpu) and strips it on GPU.
        return withPinnedVersion(req.text, input.gpu ? stripLocal(choice.variant.torchvision) : choice.variant.torchvision);
      }
      case "torchaudio": {
        if (pin.kind === "exact" && exactTorch && torchRelease !== null && stripLocal(pin.version) !== torchRelease.torchaudio) {
          warnings.push(`${req.text}: torch ${torchRelease.torch} goes with torchaudio ${torchRelease.torchaudio}`);
        }
        if (parsed.url === null) route("torchaudio", torchVariant);
        return req.text;
      }
      default:
        return req.text;
    }
  });

  let torch: Resolved["torch"] = null;
  if (input.torch !== null) {
    const version = torchChoice !== null && exactTorch ? stripLocal(torchChoice.variant.torch) : stripLocal(input.torch.version);
    torch = {
      version,
      torchvision: pinnedVersionOf(requirements, "torchvision"),
      torchaudio: pinnedVersionOf(requirements, "torchaudio"),
      variant: torchVariant?.variant ?? "pypi",
      indexUrl: torchVariant?.indexUrl ?? null,
    };
  }
  return { requirements, indexes: [...indexes.values()], torch };
}

/** The build torch comes from, checking its Pythons; null means plain PyPI. */
function chooseTorch(input: RewriteInput, pin: FrameworkPin, problems: Problem[], warnings: string[]): TorchChoice | null {
  if (pin.kind === "none") {
    if (input.gpu) return null; // reported while choosing CUDA
    const cpu = newestTorch();
    warnings.push(`${pin.text}: torch is not pinned; uv.lock decides its version. Pin it exactly (e.g. torch==${newestTorch(input.python ?? undefined)?.torch ?? "2.5.1"}) for a reproducible build`);
    return cpu ? { release: cpu, variant: cpu.variants.find((v) => v.cuda === null)! } : null;
  }
  let choice: TorchChoice | null;
  if (input.gpu) {
    choice = input.cuda ? torchForGpu(pin.version, input.cuda.version) : null;
  } else {
    choice = torchForCpu(pin.version);
    if (choice === null && pin.kind === "range") {
      // Any CPU build will do for routing: the CPU index serves every release.
      const cpu = newestTorch();
      choice = cpu ? { release: cpu, variant: cpu.variants.find((v) => v.cuda === null)! } : null;
    }
    if (pin.version.includes("+") && !pin.version.endsWith("+cpu")) {
      warnings.push(`${pin.text}: a CUDA build of torch on a CPU-only image; installing the CPU build instead`);
    }
  }
  if (pin.kind === "range") {
    warnings.push(
      `${pin.text}: a range, so uv.lock decides which torch is installed; ${input.gpu && input.cuda ? `CUDA ${input.cuda.version} was chosen for its lowest version ${pin.version}. ` : ""}Pin an exact version (torch==X.Y.Z) so CUDA and torch match for certain`,
    );
  }
  if (choice === null) {
    if (pin.kind === "exact") warnings.push(`${pin.text}: no known ${input.gpu ? "CUDA" : "CPU"} build of torch ${stripLocal(pin.version)}; it is taken from PyPI as written`);
    return null;
  }
  const python = input.python;
  if (python !== null && !choice.release.pythons.includes(python)) {
    const newest = newestTorch(python);
    const message = `${pin.text}: torch ${choice.release.torch} has no wheels for Python ${python} (it has Python ${pythonRange(choice.release.pythons)}); use a python_version it supports${newest ? ` or a torch built for Python ${python}, e.g. torch==${newest.torch}` : ""}`;
    if (pin.kind === "exact") problems.push({ ...pin.loc, message });
    else warnings.push(message);
  }
  return choice;
}

function pinnedVersionOf(lines: readonly string[], name: string): string | null {
  for (const line of lines) {
    const parsed = parseRequirement(line);
    if (parsed?.name !== name) continue;
    const s = parsed.specifiers;
    return s.length === 1 && (s[0]!.op === "==" || s[0]!.op === "===") ? stripLocal(s[0]!.version) : null;
  }
  return null;
}
