import { createHash } from "node:crypto";
import type { Build, CogYaml } from "../types/cog-yaml.ts";
import type { CognixConfig } from "../types/cognix.ts";
import { CognixError, type Location, type Problem } from "../util/errors.ts";
import { loadSchema, validateAgainst } from "../schema/validators.ts";
import { parseEnvironment } from "./environment.ts";
import { checkIndexUrl } from "./indexes.ts";
import type { ParsedRequirements, RequirementsContext } from "./requirements.ts";
import { readRequirements } from "./requirements-source.ts";
import { buildRunCommands } from "./run-commands.ts";
import { getsSdkFrom017, readReferences } from "./references.ts";
import { schemaProblems } from "./schema-problems.ts";
import { checkCudaVersion, checkCudnnVersion, checkPythonVersion, checkSdkVersion, versionText, type VersionField } from "./versions.ts";
import { normalizeWeights, type WeightEntry } from "./weights.ts";
import { portabilityProblems } from "./portable-values.ts";
import { keyPathAt, loadYaml } from "./yaml-source.ts";
import { decodeUtf8 } from "./decode-text.ts";
import { MAX_CONFIG_BYTES, readProjectFile } from "./project-file.ts";
import { cogConfigIn } from "../util/model-root.ts";

export const COG_YAML = "cog.yaml";

/** cog.yaml read, validated and normalised, before version resolution. */
export interface CogInput {
  raw: CogYaml;
  /** The file read: cog.yaml, or cog.yml when only that exists. */
  cogYamlFile: string;
  cogYamlSha256: string;
  gpu: boolean;
  python: VersionField;
  cuda?: VersionField;
  cudnn?: VersionField;
  sdkVersion?: VersionField;
  requirementsFile: string | null;
  requirements: ParsedRequirements;
  systemPackages: { name: string; loc: Location }[];
  run: CognixConfig["run"];
  predict: string | null;
  train: string | null;
  concurrencyMax: number;
  /** Where cog.yaml sets concurrency.max, when it does. */
  concurrencyLoc?: Location;
  environment: Record<string, string>;
  weights: WeightEntry[];
  image: string | null;
  warnings: Problem[];
}

function buildKeys(): string[] {
  const defs = loadSchema("cog").definitions as { build: { properties: Record<string, unknown> } };
  return Object.keys(defs.build.properties);
}

/** Keys Cog once accepted and no longer does anything with. */
const REMOVED_BUILD_KEYS: Record<string, string> = {
  cog_runtime: "removed from Cog; ignored",
  fast: "removed from Cog; ignored",
  architectures: "removed from Cog; ignored",
};

/**
 * Reads DIR/cog.yaml and everything it references, applying the schema and
 * Cog's own rules. Every problem found is reported in one CognixError.
 * File names in locations are relative to the project directory.
 */
export function readCogConfig(projectRoot: string): CogInput {
  const name = cogConfigIn(projectRoot) ?? COG_YAML;
  const file = readProjectFile(projectRoot, name, MAX_CONFIG_BYTES);
  if (!file.ok) {
    throw new CognixError({ file: name, message: file.why === "not found" ? "cog.yaml not found in the model directory" : `${name} ${file.why}` });
  }
  const bytes = file.bytes;
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    throw new CognixError({ file: name, line: decoded.line, column: decoded.column, path: keyPathAt(decoded.lossy, decoded.index), message: decoded.message });
  }
  const src = loadYaml(name, decoded.text);
  if (src.value === null) throw new CognixError({ file: name, message: "the file is empty; it needs at least build.python_version" });
  if (typeof src.value !== "object" || Array.isArray(src.value)) {
    throw new CognixError({ ...src.locate([]), path: [], message: "cog.yaml must be a mapping of keys such as build, run and predict" });
  }
  const schemaErrs = schemaProblems(src, validateAgainst("cog", src.value), buildKeys());
  if (schemaErrs.length > 0) throw new CognixError(sortProblems(schemaErrs));

  const raw = src.value as CogYaml;
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  // Cog's first releases called the build section `environment`.
  const legacyBuild = isBuildMapping(raw.environment) ? raw.environment : undefined;
  if (legacyBuild !== undefined && raw.build !== undefined) {
    problems.push({ ...src.locateKey(["environment"]), message: "a mapping here is the old name of the build section, and build is also set: merge them into build" });
  } else if (legacyBuild !== undefined) {
    warnings.push({ ...src.locateKey(["environment"]), message: "renamed to build in Cog 0.0.x: rename this section to build" });
  }
  const B = legacyBuild !== undefined && raw.build === undefined ? "environment" : "build";
  const build: Build = raw.build ?? legacyBuild ?? {};
  const ctx: RequirementsContext = { projectRoot, display: (p) => p };

  // Python, CUDA, cuDNN and SDK versions.
  const python = versionText(src, [B, "python_version"], build.python_version, problems);
  if (build.python_version === undefined) {
    const where = raw.build !== undefined || legacyBuild !== undefined ? src.locateKey([B]) : src.locate([]);
    problems.push({ ...where, path: [B, "python_version"], message: 'python_version is required. Add it to the build section of cog.yaml, e.g. python_version: "3.13"' });
  } else if (python !== undefined) checkPythonVersion(python, problems);
  const cuda = versionText(src, [B, "cuda"], build.cuda, problems);
  if (cuda !== undefined) checkCudaVersion(cuda, problems);
  const cudnn = versionText(src, [B, "cudnn"], build.cudnn, problems);
  if (cudnn !== undefined) checkCudnnVersion(cudnn, problems);
  const sdkVersion = versionText(src, [B, "sdk_version"], build.sdk_version, problems);
  if (sdkVersion !== undefined) checkSdkVersion(sdkVersion, problems);
  const gpu = build.gpu ?? false;
  if (!gpu && (cuda !== undefined || cudnn !== undefined)) {
    warnings.push({ ...src.locateKey([B, cuda !== undefined ? "cuda" : "cudnn"]), message: "ignored because build.gpu is not true" });
  }

  // Requirements.
  const reqs = readRequirements(src, B, build, ctx, problems, warnings);
  if (build.python_overrides !== undefined) {
    problems.push({ ...src.locateKey([B, "python_overrides"]), message: "removed from Cog and not supported: put the pins in the requirements file" });
  }
  for (const [key, why] of Object.entries(REMOVED_BUILD_KEYS)) {
    if (Object.hasOwn(build, key)) warnings.push({ ...src.locateKey([B, key]), message: why });
  }
  if (raw.tests !== undefined) warnings.push({ ...src.locateKey(["tests"]), message: "removed from Cog; ignored" });

  const run = buildRunCommands(src, B, build, problems, warnings);

  const { predict, train, legacyModelRef } = readReferences(src, raw, projectRoot, python?.value, problems, warnings);

  // Concurrency.
  const concurrencyMax = raw.concurrency?.max ?? 1;
  if (raw.concurrency !== undefined) {
    if (getsSdkFrom017(raw.build?.sdk_version, python?.value)) {
      warnings.push({ ...src.locateKey(["concurrency", "max"]), message: "deprecated with cog SDK 0.17+: configure concurrency with @cog.concurrent on an async run() method" });
    }
    if (concurrencyMax > 1 && python !== undefined && /^3\.([0-9]|10)(\.|$)/.test(python.value)) {
      problems.push({ ...src.locate(["concurrency", "max"]), message: "concurrency above 1 requires Python 3.11 or higher" });
    }
  }

  // The cog SDK up to 0.16 reads /src/cog.yaml in the image; from 0.17 the image's environment says it all.
  if (name !== COG_YAML && !getsSdkFrom017(raw.build?.sdk_version, python?.value)) {
    problems.push({ file: name, message: `the cog SDK this model gets (below 0.17) reads /src/cog.yaml in the image: rename ${name} to cog.yaml` });
  }

  problems.push(...portabilityProblems(src, raw));
  const environment = parseEnvironment(src, Array.isArray(raw.environment) ? raw.environment : [], problems);

  const repository = legacyModelRef ? undefined : raw.model;
  if (raw.image && repository) problems.push({ ...src.locateKey(["model"]), message: "'model' and 'image' cannot both be set" });
  if (repository !== undefined && /[@]|:[^/]*$/.test(repository)) {
    problems.push({ ...src.locate(["model"]), message: "must be a bare repository — tags and digests are not allowed" });
  }

  for (const u of [...reqs.parsed.indexUrls, ...reqs.parsed.extraIndexUrls]) checkIndexUrl(u, problems);

  const weights = normalizeWeights(src, projectRoot, raw.weights ?? [], problems);
  const systemPackages = (build.system_packages ?? []).map((name, i) => ({ name: name.trim(), loc: src.locate([B, "system_packages", i]) }));

  if (problems.length > 0 || python === undefined) throw new CognixError(sortProblems(problems));

  return {
    raw,
    cogYamlFile: name,
    cogYamlSha256: createHash("sha256").update(bytes).digest("hex"),
    gpu,
    python,
    ...(cuda !== undefined ? { cuda } : {}),
    ...(cudnn !== undefined ? { cudnn } : {}),
    ...(sdkVersion !== undefined ? { sdkVersion } : {}),
    requirementsFile: reqs.file,
    requirements: reqs.parsed,
    systemPackages,
    run,
    predict,
    train,
    concurrencyMax,
    ...(raw.concurrency?.max !== undefined ? { concurrencyLoc: src.locate(["concurrency", "max"]) } : {}),
    environment,
    weights,
    image: raw.image || repository || null,
    warnings: sortProblems(warnings),
  };
}

function isBuildMapping(v: unknown): v is Build {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Problems in file order, so output is the same whatever order checks ran in. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  // Code-unit comparison, not localeCompare: the order must not depend on the locale.
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return [...problems].sort(
    (a, b) => cmp(a.file ?? "", b.file ?? "") || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || cmp(a.message, b.message),
  );
}
