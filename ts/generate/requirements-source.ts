import { posix } from "node:path";
import type { Build } from "../types/cog-yaml.ts";
import { CognixError, type Location, type Problem } from "../util/errors.ts";
import { parsePackageList, readRequirementsFile, type ParsedRequirements, type RequirementsContext } from "./requirements.ts";
import type { YamlSource } from "./yaml-source.ts";

const EMPTY_REQUIREMENTS: ParsedRequirements = { requirements: [], indexUrls: [], extraIndexUrls: [], findLinks: [], options: [], files: [], warnings: [] };

/** Applies a parse step that throws CognixError, collecting its problems. */
function collect<T>(problems: Problem[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CognixError) {
      problems.push(...err.problems);
      return undefined;
    }
    throw err;
  }
}

/** The Python requirements cog.yaml asks for: `python_requirements` (and its includes) or `python_packages`. */
export function readRequirements(src: YamlSource, B: string, build: Build, ctx: RequirementsContext, problems: Problem[], warnings: Problem[]): { file: string | null; parsed: ParsedRequirements } {
  const hasPackages = (build.python_packages ?? []).length > 0;
  const reqFile = build.python_requirements?.trim();
  if (hasPackages && reqFile) {
    problems.push({ ...src.locateKey([B, "python_packages"]), message: "only one of python_packages or python_requirements can be set, not both" });
    return { file: null, parsed: EMPTY_REQUIREMENTS };
  }
  let file: string | null = null;
  let parsed: ParsedRequirements | undefined = EMPTY_REQUIREMENTS;
  if (reqFile) {
    file = posix.normalize(reqFile.replace(/\\/g, "/"));
    parsed = collect(problems, () => readRequirementsFile(ctx, file as string, src.locate([B, "python_requirements"])));
  } else if (hasPackages) {
    warnings.push({ ...src.locateKey([B, "python_packages"]), message: "deprecated: use build.python_requirements with a requirements.txt file instead" });
    const items = (build.python_packages ?? []).map((text, i) => ({ text, loc: src.locate([B, "python_packages", i]) }));
    parsed = collect(problems, () => parsePackageList(ctx, items));
  }
  if (parsed === undefined) return { file, parsed: EMPTY_REQUIREMENTS };
  // Removed 2021 keys that carried pip options: honour them as if written in the requirements.
  const legacy = (key: "python_extra_index_urls" | "python_find_links"): { value: string; loc: Location }[] =>
    (build[key] ?? []).map((value, i) => ({ value, loc: src.locate([B, key, i]) }));
  for (const key of ["python_extra_index_urls", "python_find_links"] as const) {
    if (build[key] !== undefined) warnings.push({ ...src.locateKey([B, key]), message: `removed from Cog: write ${key === "python_find_links" ? "--find-links" : "--extra-index-url"} lines in the requirements file instead` });
  }
  return { file, parsed: { ...parsed, extraIndexUrls: [...legacy("python_extra_index_urls"), ...parsed.extraIndexUrls], findLinks: [...legacy("python_find_links"), ...parsed.findLinks] } };
}

