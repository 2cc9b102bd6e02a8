import { parseRequirement } from "../../python/pep508.ts";
import type { Problem } from "../../util/errors.ts";
import type { CudaChoice } from "./choose-cuda.ts";
import { frameworkPin, type FrameworkPin } from "./frameworks.ts";
import { withPinnedVersion } from "./pins.ts";
import { pythonRange } from "./python.ts";
import type { TorchVariant } from "./tables/types.ts";
import { newestTorch, torchForCpu, torchForGpu, torchvisionForCpu, torchvisionForGpu, type TorchChoice } from "./torch.ts";
import type { Requirement, Resolved } from "./types.ts";
import { stripLocal } from "./version.ts";

export interface RewriteInput {
  requirements: readonly Requirement[];
  gpu: boolean;
  cuda: CudaChoice | null;
  python: string | null;
  torch: FrameworkPin | null;
}

type Rewritten = Pick<Resolved, "requirements" | "indexes" | "torch">;
type Family = "torch" | "torchvision" | "torchaudio";
const FAMILY: readonly string[] = ["torch", "torchvision", "torchaudio"];

/** What became of one requirement line. */
interface Line {
  text: string;
  name: Family | null;
  pin: FrameworkPin | null;
  /** The table build an exact pin was rewritten to. */
  choice: TorchChoice | null;
}

/**
 * Cog's pythonPackageForArch: an exact torch or torchvision pin found in
 * Cog's table for the image's CUDA (or CPU) is rewritten to that build and
 * comes from its PyTorch index; anything else comes from PyPI as written.
 */
function tableChoice(name: Family, pin: FrameworkPin, input: RewriteInput): TorchChoice | null {
  if (pin.kind !== "exact" || pin.parsed.url !== null || pin.ownIndex !== null) return null;
  const cuda = input.cuda?.version;
  if (name === "torch") return input.gpu ? (cuda === undefined ? null : torchForGpu(pin.version, cuda)) : torchForCpu(pin.version);
  if (name === "torchvision") return input.gpu ? (cuda === undefined ? null : torchvisionForGpu(pin.version, cuda)) : torchvisionForCpu(pin.version);
  return null;
}

function rewriteLine(req: Requirement, input: RewriteInput): Line {
  const parsed = parseRequirement(req.text);
  if (parsed === null || !FAMILY.includes(parsed.name)) return { text: req.text, name: null, pin: null, choice: null };
  const name = parsed.name as Family;
  const pin = frameworkPin(req, parsed);
  const choice = tableChoice(name, pin, input);
  if (choice === null) return { text: req.text, name, pin, choice };
  // Cog keeps the local part of CPU torchvision builds (0.12.0+cpu) and strips it otherwise.
  const version = name === "torchvision" && !input.gpu ? choice.variant.torchvision : stripLocal(name === "torch" ? choice.variant.torch : choice.variant.torchvision);
  return { text: withPinnedVersion(req.text, version), name, pin, choice };
}

/**
 * Rewrites exact torch/torchvision pins the way Cog does and routes them to
 * the index of their build, as explicit uv indexes. Cog's pip sees those
 * indexes for every package, so torchaudio and an unpinned or ranged torch or
 * torchvision follow the index torch (else torchvision) was routed to: their
 * CUDA builds then match the image's. With no such index they come from PyPI,
 * as do exact pins the table lacks, direct URLs and lines naming their own index.
 */
export function rewriteRequirements(input: RewriteInput, problems: Problem[], warnings: Problem[]): Rewritten {
  const lines = input.requirements.map((req) => rewriteLine(req, input));
  const indexes = new Map<string, { name: string; url: string; packages: string[] }>();
  const route = (pkg: string, variant: TorchVariant): void => {
    if (variant.indexUrl === null) return;
    const entry = indexes.get(variant.indexUrl) ?? { name: `pytorch-${variant.variant}`, url: variant.indexUrl, packages: [] };
    if (!entry.packages.includes(pkg)) entry.packages.push(pkg);
    indexes.set(variant.indexUrl, entry);
  };

  const firstChoice = (name: Family): TorchChoice | null => lines.find((l) => l.name === name && l.choice !== null)?.choice ?? null;
  const torchChoice = firstChoice("torch");
  const visionChoice = firstChoice("torchvision");
  const family = [torchChoice, visionChoice].find((c) => c !== null && c.variant.indexUrl !== null)?.variant ?? null;

  const followers = new Set<string>();
  for (const line of lines) {
    if (line.name === null || line.pin === null) continue;
    if (line.choice !== null) route(line.name, line.choice.variant);
    else if (family !== null && line.pin.parsed.url === null && line.pin.ownIndex === null && (line.name === "torchaudio" || line.pin.kind !== "exact")) {
      route(line.name, family);
      followers.add(line.name);
    }
  }

  const torchPin = input.torch;
  if (torchPin !== null) checkTorch(input, torchPin, torchChoice, followers.has("torch") ? family : null, problems, warnings);
  checkCompanions(lines, input, torchChoice, warnings);

  const requirements = lines.map((l) => l.text);
  const torchIndex = torchChoice?.variant.indexUrl ? torchChoice.variant : followers.has("torch") ? family : null;
  let torch: Resolved["torch"] = null;
  if (torchPin !== null) {
    torch = {
      version: torchChoice !== null ? stripLocal(torchChoice.variant.torch) : torchPin.kind === "none" ? "" : stripLocal(torchPin.version),
      torchvision: pinnedVersionOf(requirements, "torchvision"),
      torchaudio: pinnedVersionOf(requirements, "torchaudio"),
      ...(torchPin.ownIndex !== null ? ownIndexVariant(torchPin.ownIndex) : { variant: torchIndex?.variant ?? "pypi", indexUrl: torchIndex?.indexUrl ?? null }),
    };
  }
  return { requirements, indexes: [...indexes.values()], torch };
}

/**
 * A line's own index stays a general extra index, as pip sees it in Cog:
 * torch is not routed to it. The variant its URL names (…/whl/cu118) is recorded.
 */
function ownIndexVariant(url: string): { variant: string; indexUrl: null } {
  const m = /\/whl\/(cpu|cu\d+|rocm[\d.]+)\/?$/.exec(url);
  return { variant: m ? m[1]! : "pypi", indexUrl: null };
}

/** Warnings and problems about the first torch requirement. */
function checkTorch(input: RewriteInput, pin: FrameworkPin, choice: TorchChoice | null, followed: TorchVariant | null, problems: Problem[], warnings: Problem[]): void {
  const example = newestTorch(input.python ?? undefined)?.torch ?? "2.5.1";
  const follows = followed === null ? "" : ` It follows torchvision to ${followed.indexUrl} so their CUDA builds match.`;
  if (pin.ownIndex !== null) return;
  if (pin.kind === "none") {
    // A GPU build refuses it while choosing CUDA.
    if (!input.gpu) {
      warnings.push({ ...pin.loc, message: `${pin.text}: torch is not pinned, so it comes from PyPI as in Cog and uv.lock decides its version.${follows} Pin it exactly (e.g. torch==${example}) for a reproducible build${followed === null ? " and the CPU build from PyTorch's index" : ""}` });
    }
    return;
  }
  if (pin.kind === "range") {
    const cudaFrom = input.gpu && input.cuda ? ` CUDA ${input.cuda.version} goes with torch ${pin.version}, the first version it names.` : "";
    warnings.push({ ...pin.loc, message: `${pin.text}: a range, so torch comes from PyPI as in Cog and uv.lock decides which one is installed.${cudaFrom}${follows} Pin an exact version (torch==X.Y.Z) so CUDA and torch match for certain` });
    return;
  }
  if (!input.gpu && pin.version.includes("+") && !pin.version.endsWith("+cpu")) {
    warnings.push({ ...pin.loc, message: `${pin.text}: a CUDA build of torch on a CPU-only image; installing the CPU build instead` });
  }
  if (choice === null) {
    if (pin.parsed.url === null) warnings.push({ ...pin.loc, message: `${pin.text}: no known ${input.gpu ? "CUDA" : "CPU"} build of torch ${stripLocal(pin.version)} in Cog's table; it is taken from PyPI as written` });
    return;
  }
  const python = input.python;
  if (python !== null && !choice.release.pythons.includes(python)) {
    const newest = newestTorch(python);
    problems.push({
      ...pin.loc,
      message: `${pin.text}: torch ${choice.release.torch} has no wheels for Python ${python} (it has Python ${pythonRange(choice.release.pythons)}); use a python_version it supports${newest ? ` or a torch built for Python ${python}, e.g. torch==${newest.torch}` : ""}`,
    });
  }
}

/** torchvision and torchaudio pins that do not go with the pinned torch, or have no build for the CUDA. */
function checkCompanions(lines: readonly Line[], input: RewriteInput, torchChoice: TorchChoice | null, warnings: Problem[]): void {
  const release = input.torch?.kind === "exact" ? (torchChoice?.release ?? null) : null;
  for (const line of lines) {
    if (line.pin === null || line.pin.kind !== "exact" || line.pin.parsed.url !== null) continue;
    if (line.name === "torchvision") {
      if (line.choice === null && input.gpu && input.cuda && line.pin.ownIndex === null) {
        warnings.push({ ...line.pin.loc, message: `Cog doesn't know if CUDA ${input.cuda.version} is compatible with torchvision ${line.pin.version}. This might cause CUDA problems.` });
      } else if (line.choice !== null && release !== null && line.choice.release.torchvision !== release.torchvision) {
        warnings.push({ ...line.pin.loc, message: `${line.pin.text}: torch ${release.torch} goes with torchvision ${release.torchvision}` });
      }
    } else if (line.name === "torchaudio" && release !== null && stripLocal(line.pin.version) !== release.torchaudio) {
      warnings.push({ ...line.pin.loc, message: `${line.pin.text}: torch ${release.torch} goes with torchaudio ${release.torchaudio}` });
    }
  }
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
