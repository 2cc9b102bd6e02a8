import { posix } from "node:path";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { buildDocument, mergeDocuments } from "./document.ts";
import { invalidRef, SchemaFault, toUserError } from "./errors.ts";
import { extractPredictor } from "./extract.ts";
import { initPythonParser } from "./parser.ts";
import { PythonFiles } from "./python-file.ts";
import { readPlainFile, SourceLog, type ReadModelFile } from "./sources.ts";
import type { JsonObject, Mode, PredictorInfo } from "./types.ts";

export { OpenApiSchemaError, type SchemaErrorKind } from "./errors.ts";
export { initPythonParser } from "./parser.ts";
export type { ReadModelFile } from "./sources.ts";
export type { JsonObject, JsonValue } from "./types.ts";

/** The Cog release whose static schema generator this module reproduces. */
export const COG_SCHEMA_GENERATOR_VERSION = "0.22.0";

export interface OpenApiSchemaOptions {
  /** The model directory (where cog.yaml is). */
  modelDir: string;
  /** cog.yaml `predict`, e.g. "predict.py:Predictor". */
  predict?: string | undefined;
  /** cog.yaml `train`, e.g. "train.py:train". */
  train?: string | undefined;
  /** `info.version` of the document (Cog writes its own version there). */
  version?: string | undefined;
  /** How model files are read (default: plain reads of regular files under modelDir). */
  readFile?: ReadModelFile | undefined;
}

/** The document and what else the build takes from the same reading of the source. */
export interface ModelSchema {
  document: JsonObject;
  /** The entry point the server runs: predict's, else train's. */
  runner: { isAsync: boolean; concurrencyMax?: number };
  /** Every Python file read (sha256) or looked for and absent (null), sorted by path. */
  files: { path: string; sha256: string | null }[];
}

/**
 * The OpenAPI 3.0.2 document of a model, read statically from its Python
 * source as Cog ≥ 0.17 does at build time: the predict schema, the train
 * schema, or both merged. User mistakes throw an OpenApiSchemaError (a
 * CognixError) located at `predict.py:line:column`.
 */
export async function generateOpenApiSchema(options: OpenApiSchemaOptions): Promise<JsonObject> {
  await initPythonParser();
  return readModelSchema(options).document;
}

/** generateOpenApiSchema without waiting: `initPythonParser()` must have been awaited first. */
export function readModelSchema(options: OpenApiSchemaOptions): ModelSchema {
  const { modelDir, predict, train } = options;
  const version = options.version ?? COG_SCHEMA_GENERATOR_VERSION;
  const sources = new SourceLog(options.readFile ?? readPlainFile(modelDir));
  const files = new PythonFiles(sources);
  const predictor = predict ? readPredictor(files, predict, "predict") : undefined;
  const trainer = train ? readPredictor(files, train, "train") : undefined;
  const runs = predictor ?? trainer;
  if (runs === undefined) throw new CognixError({ message: "no predict or train reference provided" });
  let document = buildDocument(runs, version);
  if (predictor !== undefined && trainer !== undefined) document = mergeDocuments(document, buildDocument(trainer, version));
  return {
    document,
    runner: { isAsync: runs.isAsync, ...(runs.concurrencyMax !== undefined ? { concurrencyMax: runs.concurrencyMax } : {}) },
    files: sources.files(),
  };
}

/** The document as cognix writes JSON: sorted keys, two-space indent, trailing newline. */
export function serializeOpenApiSchema(document: JsonObject): string {
  return canonicalJson(document);
}

function readPredictor(files: PythonFiles, ref: string, mode: Mode): PredictorInfo {
  const colon = ref.indexOf(":");
  const path = colon < 0 ? "" : ref.slice(0, colon);
  const name = colon < 0 ? "" : ref.slice(colon + 1);
  try {
    if (path === "" || name === "") throw invalidRef(ref);
    const clean = posix.normalize(path.replaceAll("\\", "/"));
    if (posix.isAbsolute(clean) || clean === ".." || clean.startsWith("../")) {
      throw new SchemaFault("invalid-ref", `predictor source path "${path}" is outside the model directory`);
    }
    const file = files.load(clean);
    if (file === undefined) throw new SchemaFault("invalid-ref", `failed to read predictor source ${clean}: no such file`);
    return extractPredictor(files, file, name, mode);
  } catch (e) {
    if (e instanceof SchemaFault) throw toUserError(e, { file: "cog.yaml", path: [mode] });
    throw e;
  }
}
