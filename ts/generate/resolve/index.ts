import { CognixError, type Problem } from "../../util/errors.ts";
import { chooseCuda } from "./choose-cuda.ts";
import { cudaValueProblem } from "./cuda.ts";
import { findFrameworks } from "./frameworks.ts";
import { pythonMinor, pythonProblemWithoutInterpreter, pythonRange } from "./python.ts";
import { rewriteRequirements } from "./rewrite.ts";
import { resolveSdk } from "./sdk.ts";
import { findTensorflow } from "./tensorflow.ts";
import type { Resolved, ResolveInput } from "./types.ts";

export type { Requirement, Resolved, ResolveInput } from "./types.ts";

/**
 * Applies Cog's version rules to a build. Throws a CognixError listing every
 * problem found, each with its location.
 */
export function resolve(input: ResolveInput): Resolved {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];

  const py = pythonMinor(input.pythonVersion, input.pythonVersionLoc);
  const python = typeof py === "string" ? py : null;
  if (typeof py !== "string") problems.push(py);
  if (python !== null && input.interpreterFromFlake !== true) {
    const missing = pythonProblemWithoutInterpreter(python, input.pythonVersionLoc, input.flakeUnread);
    if (missing !== null) problems.push(missing);
  }

  const sdk = resolveSdk(input.sdkVersion, { version: python, loc: input.pythonVersionLoc }, input.requirements);
  if ("message" in sdk) problems.push(sdk);
  else warnings.push(...sdk.warnings);

  const { torch, tensorflow } = findFrameworks(input.requirements);

  let cuda: Resolved["cuda"] = null;
  if (input.gpu) {
    cuda = chooseCuda({ cuda: input.cuda, cudnn: input.cudnn, torch, tensorflow, python }, problems, warnings);
  } else {
    const bad = input.cuda === undefined ? null : cudaValueProblem(input.cuda.value.trim());
    if (bad !== null && input.cuda) problems.push({ ...input.cuda.loc, message: bad });
    // That the keys are ignored is said where cog.yaml is read (read-config.ts), at the key.
  }

  const rewritten = rewriteRequirements({ requirements: input.requirements, gpu: input.gpu, cuda, python, torch }, problems, warnings);

  let tf: Resolved["tensorflow"] = null;
  if (tensorflow !== null) {
    const match = tensorflow.kind === "none" ? null : findTensorflow(tensorflow.version);
    const exact = tensorflow.kind === "exact" && match !== null && !match.bySeries;
    tf = {
      version: tensorflow.version,
      package: exact ? (input.gpu ? match.build.gpuPackage : match.build.cpuPackage) : tensorflow.text,
    };
    if (match !== null && python !== null && !match.build.pythons.includes(python)) {
      const message = `${tensorflow.text}: tensorflow ${match.build.version} has no wheels for Python ${python} (it has Python ${pythonRange(match.build.pythons)}); use a python_version it supports or another tensorflow`;
      if (tensorflow.kind === "exact") problems.push({ ...tensorflow.loc, message });
      else warnings.push({ ...tensorflow.loc, message });
    }
    if (tensorflow.kind === "range") {
      warnings.push({ ...tensorflow.loc, message: `${tensorflow.text}: a range, so uv.lock decides which tensorflow is installed; pin an exact version for a CUDA that is known to match` });
    }
  }

  if (problems.length > 0) throw new CognixError(problems);
  return {
    cuda,
    torch: rewritten.torch,
    tensorflow: tf,
    requirements: rewritten.requirements,
    indexes: rewritten.indexes,
    cogSdkVersion: "message" in sdk ? null : sdk.version,
    warnings: [...new Set(warnings)],
  };
}
