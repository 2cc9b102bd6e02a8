import { realpathSync, statSync } from "node:fs";
import { basename, resolve as resolvePath } from "node:path";
import type { CognixConfig } from "../types/cognix.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError, formatProblem, type Problem } from "../util/errors.ts";
import { validateAgainst } from "../schema/validators.ts";
import { mapAptNames, readAptEntries, unknownAptNames } from "./apt/index.ts";
import { readFlakeHints } from "./flake-hints.ts";
import { mergeIndexes } from "./indexes.ts";
import { predictorSchema } from "./predictor-schema.ts";
import { readCogConfig, sortProblems, type CogInput } from "./read-config.ts";
import { cogConfigLabel } from "./resolve/cog-config.ts";
import { resolve, type Resolved } from "./resolve/index.ts";
import { PYTHONS_NOT_IN_NIXPKGS, pythonMinor } from "./resolve/python.ts";

export const COGNIX_JSON = "cognix.json";

export interface Generated {
  config: CognixConfig;
  /** The exact bytes of cognix.json. */
  json: string;
  /** Warnings as `file:line:column: key: message`, file names relative to the model directory. */
  warnings: string[];
}

/** The model directory, absolute and symlink-free; a CognixError when it is not a directory. */
export function projectRootOf(dir: string): string {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    throw new CognixError({ file: dir, message: "model directory not found" });
  }
  if (!statSync(real).isDirectory()) throw new CognixError({ file: dir, message: "not a directory" });
  return real;
}

/** Problems of a step that throws CognixError, collected. */
function collect<T>(problems: Problem[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof CognixError)) throw err;
    problems.push(...err.problems);
    return undefined;
  }
}

/**
 * Versions, system packages and what the flake adds to them. The flake is
 * evaluated only for what cog.yaml cannot say: apt names cognix has no
 * mapping for, or a Python nixpkgs lacks.
 */
function runResolvers(root: string, input: CogInput): { resolved: Resolved; systemPackages: CognixConfig["systemPackages"]; aptWarnings: string[] } {
  const problems: Problem[] = [];
  const aptWarnings: string[] = [];
  const requests = readAptEntries(input.systemPackages, aptWarnings, problems);
  const unknownApt = unknownAptNames(requests).length > 0;
  const minor = pythonMinor(input.python.value, input.python.loc);
  const needsInterpreter = typeof minor === "string" && PYTHONS_NOT_IN_NIXPKGS.includes(minor);
  const flake = unknownApt || needsInterpreter ? readFlakeHints(root, { apt: unknownApt, python: needsInterpreter }) : null;
  const hints = flake?.ok === true ? flake.hints : null;

  const resolved = collect(problems, () =>
    resolve({
      gpu: input.gpu,
      pythonVersion: input.python.value,
      pythonVersionLoc: input.python.loc,
      requirements: input.requirements.requirements,
      interpreterFromFlake: hints?.pythonInterpreter === true,
      ...(flake?.ok === false ? { flakeUnread: flake.why } : {}),
      ...(input.cuda ? { cuda: input.cuda } : {}),
      ...(input.cudnn ? { cudnn: input.cudnn } : {}),
      ...(input.sdkVersion ? { sdkVersion: input.sdkVersion } : {}),
    }),
  );
  const systemPackages = collect(problems, () => mapAptNames(requests, hints?.apt ?? null, flake?.ok === false ? flake.why : ""));
  if (problems.length > 0 || resolved === undefined || systemPackages === undefined) throw new CognixError(sortProblems(problems));
  return { resolved, systemPackages, aptWarnings };
}

/** Everything `cognix generate` computes for a model directory, without writing anything. */
export function generate(dir: string): Generated {
  const root = projectRootOf(dir);
  const input = readCogConfig(root);
  const { resolved, systemPackages, aptWarnings } = runResolvers(root, input);

  const problems: Problem[] = [];
  const req = input.requirements;
  const indexes = mergeIndexes(resolved.indexes, [...req.indexUrls, ...req.extraIndexUrls], problems);
  if (problems.length > 0) throw new CognixError(sortProblems(problems));

  const schema = predictorSchema(root, input, { max: input.concurrencyMax, loc: input.concurrencyLoc });
  // Cog bakes a concurrency @cog.concurrent sets into the image and its run.cog.config.
  const labelled = schema.concurrencyFromDecorator ? { ...input.raw, concurrency: { max: schema.concurrencyMax } } : input.raw;

  const warnings = [
    ...input.warnings.map(formatProblem),
    ...req.indexUrls.map((u) => formatProblem({ ...u.loc, message: "--index-url is used as an extra index beside PyPI" })),
    ...req.warnings,
    ...resolved.warnings.map(formatProblem),
    ...aptWarnings,
  ];
  const [mainFile, ...included] = req.files;
  const config: CognixConfig = {
    formatVersion: 1,
    source: {
      cogYaml: input.cogYamlFile,
      // What Cog names an image with no `image:` after: the flake's copy of the directory is called "source".
      directory: basename(resolvePath(dir)),
      cogYamlSha256: input.cogYamlSha256,
      requirementsFile: input.requirementsFile,
      requirementsSha256: input.requirementsFile !== null ? (mainFile?.sha256 ?? null) : null,
      requirementsIncludes: included.map((f) => ({ path: f.path, sha256: f.sha256 })),
      pythonFiles: schema.files,
    },
    python: {
      version: input.python.value,
      requirements: resolved.requirements,
      indexes,
      findLinks: [...new Set(req.findLinks.map((f) => f.value))],
      options: req.options,
    },
    gpu: input.gpu,
    cuda: resolved.cuda,
    torch: resolved.torch,
    tensorflow: resolved.tensorflow,
    systemPackages,
    run: input.run,
    predict: input.predict,
    train: input.train,
    concurrency: { max: schema.concurrencyMax },
    environment: input.environment,
    weights: input.weights,
    cog: { sdkVersion: resolved.cogSdkVersion },
    image: input.image,
    labels: { "run.cog.config": cogConfigLabel(labelled, resolved) },
    openapiSchema: schema.document,
    warnings,
  };

  // Our own output must meet the contract; a failure here is a bug, not a user error.
  const errs = validateAgainst("cognix", config);
  if (errs.length > 0) {
    const detail = errs.map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`).join("; ");
    throw new Error(`generated ${COGNIX_JSON} does not match schemas/cognix.schema.json: ${detail}`);
  }
  return { config, json: canonicalJson(config), warnings };
}
