import type { CogYaml } from "../types/cog-yaml.ts";
import type { Problem } from "../util/errors.ts";
import { checkPythonRef } from "./python-ref.ts";
import { choosesCoglet } from "./resolve/sdk.ts";
import type { YamlSource } from "./yaml-source.ts";

export interface References {
  /** From `run`, `predict`, or (first releases) `model: file.py:Name`. */
  predict: string | null;
  train: string | null;
  /** `model` held a predictor reference, so it is not a repository. */
  legacyModelRef: boolean;
}

/** The predictor and trainer references, each checked against the model's Python files. */
export function readReferences(src: YamlSource, raw: CogYaml, projectRoot: string, python: string | undefined, problems: Problem[], warnings: Problem[]): References {
  let predict: string | null = null;
  const legacyModelRef = raw.model !== undefined && /\.py:/.test(raw.model) && raw.run === undefined && raw.predict === undefined;
  if (legacyModelRef) {
    predict = (raw.model as string).trim();
    problems.push(...checkPythonRef(projectRoot, predict, src.locate(["model"]), "predict.py:Predictor"));
    warnings.push({ ...src.locateKey(["model"]), message: "a predictor reference under model is from Cog's first releases: use run" });
  } else if (raw.run && raw.predict) {
    problems.push({ ...src.locateKey(["run"]), message: "only one of run or predict can be set" });
  } else {
    const key = raw.run ? "run" : raw.predict ? "predict" : undefined;
    if (key !== undefined) {
      predict = (raw[key] as string).trim();
      problems.push(...checkPythonRef(projectRoot, predict, src.locate([key]), key === "run" ? "run.py:Runner" : "predict.py:Predictor"));
    }
    // The cog SDK up to 0.16 reads `predict` from /src/cog.yaml, so `run` is
    // only the better spelling when the model gets a newer SDK.
    if (key === "predict" && getsSdkFrom017(raw.build?.sdk_version, python)) {
      const ref = predict ?? "predict.py:Predictor";
      warnings.push({ ...src.locateKey(["predict"]), message: `deprecated with cog SDK 0.17+: write run: "${ref}" instead (predict still works)` });
    }
  }
  const train = raw.train ? raw.train.trim() : null;
  if (train !== null) problems.push(...checkPythonRef(projectRoot, train, src.locate(["train"]), "train.py:Trainer"));
  return { predict, train, legacyModelRef };
}

/** True when the model gets a cog SDK of 0.17 or later (build.sdk_version as written, python_version as read). */
export function getsSdkFrom017(sdk: unknown, python: string | undefined): boolean {
  return choosesCoglet(typeof sdk === "string" ? sdk : sdk === undefined || sdk === null ? undefined : String(sdk), python);
}
