import { posix } from "node:path";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { buildDocument, mergeDocuments } from "./document.ts";
import { invalidRef, SchemaFault, toUserError } from "./errors.ts";
import { extractPredictor } from "./extract.ts";
import { initPythonParser } from "./parser.ts";
import { PythonFiles } from "./python-file.ts";
import type { JsonObject, Mode, PredictorInfo } from "./types.ts";

export { OpenApiSchemaError, type SchemaErrorKind } from "./errors.ts";
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
}

/**
 * The OpenAPI 3.0.2 document of a model, read statically from its Python
 * source as Cog ≥ 0.17 does at build time: the predict schema, the train
 * schema, or both merged. User mistakes throw an OpenApiSchemaError (a
 * CognixError) located at `predict.py:line:column`.
 */
export async function generateOpenApiSchema(options: OpenApiSchemaOptions): Promise<JsonObject> {
  const { modelDir, predict, train } = options;
  const version = options.version ?? COG_SCHEMA_GENERATOR_VERSION;
  if (!predict && !train) throw new CognixError({ message: "no predict or train reference provided" });
  await initPythonParser();
  const files = new PythonFiles(modelDir);
  const one = (ref: string, mode: Mode): JsonObject => buildDocument(readPredictor(files, ref, mode), version);
  if (!train) return one(predict ?? "", "predict");
  if (!predict) return one(train, "train");
  return mergeDocuments(one(predict, "predict"), one(train, "train"));
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
