import { literalToJson } from "./literals.ts";
import { inputTypeSchema, outputSchema, primitiveSchema, titleCase } from "./json-schema.ts";
import type { InputField, JsonObject, JsonValue, PredictorInfo } from "./types.ts";

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

const jsonContent = (schema: JsonObject): JsonObject => ({ "application/json": { schema } });

const VALIDATION_ERROR_RESPONSE: JsonObject = {
  description: "Validation Error",
  content: jsonContent(ref("HTTPValidationError")),
};

const EMPTY_RESPONSE: JsonObject = { description: "Successful Response", content: jsonContent({}) };

/** The OpenAPI 3.0.2 document Cog's static generator writes for one entry point. */
export function buildDocument(info: PredictorInfo, version: string): JsonObject {
  const train = info.mode === "train";
  const names = train
    ? { input: "TrainingInput", output: "TrainingOutput", request: "TrainingRequest", response: "TrainingResponse" }
    : { input: "Input", output: "Output", request: "PredictionRequest", response: "PredictionResponse" };
  const endpoint = train ? "/trainings" : "/predictions";
  const idParam = train ? "training_id" : "prediction_id";

  const { schema: inputSchema, enums } = buildInputSchema(info.inputs);
  const schemas: JsonObject = {};
  schemas[names.input] = { ...inputSchema, title: names.input };
  schemas[names.output] = outputSchema(info.output, "Output");
  for (const [name, schema] of enums) schemas[name] = schema;
  schemas[names.request] = {
    title: names.request,
    type: "object",
    properties: { id: { title: "Id", type: "string" }, input: ref(names.input) },
  };
  schemas[names.response] = {
    title: names.response,
    type: "object",
    properties: {
      input: ref(names.input),
      output: ref(names.output),
      id: { title: "Id", type: "string" },
      version: { title: "Version", type: "string" },
      created_at: { title: "Created At", type: "string", format: "date-time" },
      started_at: { title: "Started At", type: "string", format: "date-time" },
      completed_at: { title: "Completed At", type: "string", format: "date-time" },
      status: { title: "Status", type: "string" },
      error: { title: "Error", type: "string" },
      logs: { title: "Logs", type: "string" },
      metrics: { title: "Metrics", type: "object" },
    },
  };
  schemas["Status"] = {
    title: "Status",
    description: "An enumeration.",
    enum: ["starting", "processing", "succeeded", "canceled", "failed"],
    type: "string",
  };
  schemas["HTTPValidationError"] = {
    title: "HTTPValidationError",
    type: "object",
    properties: { detail: { title: "Detail", type: "array", items: ref("ValidationError") } },
  };
  schemas["ValidationError"] = {
    title: "ValidationError",
    required: ["loc", "msg", "type"],
    type: "object",
    properties: {
      loc: { title: "Location", type: "array", items: { anyOf: [{ type: "string" }, { type: "integer" }] } },
      msg: { title: "Message", type: "string" },
      type: { title: "Error Type", type: "string" },
    },
  };

  const main: JsonObject = {
    summary: train ? "Train" : "Predict",
    description: train ? "Run a single training on the model" : "Run a single prediction on the model",
    operationId: train ? "train_trainings_post" : "predict_predictions_post",
    requestBody: { content: jsonContent(ref(names.request)) },
    responses: {
      "200": { description: "Successful Response", content: jsonContent(ref(names.response)) },
      "422": VALIDATION_ERROR_RESPONSE,
    },
  };
  if (!train && info.streaming) main["x-cog-streaming"] = true;

  const paths: JsonObject = {
    "/": { get: { summary: "Root", operationId: "root__get", responses: { "200": EMPTY_RESPONSE } } },
    "/health-check": {
      get: { summary: "Healthcheck", operationId: "healthcheck_health_check_get", responses: { "200": EMPTY_RESPONSE } },
    },
    [endpoint]: { post: main },
    [`${endpoint}/{${idParam}}/cancel`]: {
      post: {
        summary: "Cancel",
        operationId: train ? "cancel_trainings__training_id__cancel_post" : "cancel_predictions__prediction_id__cancel_post",
        parameters: [{ required: true, schema: { title: titleCase(idParam), type: "string" }, name: idParam, in: "path" }],
        responses: { "200": EMPTY_RESPONSE, "422": VALIDATION_ERROR_RESPONSE },
      },
    },
  };

  return { openapi: "3.0.2", info: { title: "Cog", version }, paths, components: { schemas } };
}

function buildInputSchema(inputs: InputField[]): { schema: JsonObject; enums: [string, JsonObject][] } {
  const properties: JsonObject = {};
  const required: string[] = [];
  const enums: [string, JsonObject][] = [];
  for (const field of inputs) {
    const prop: JsonObject = { "x-order": field.order };
    if (field.choices !== undefined && field.choices.length > 0) {
      // Choices become an enum component named after the parameter.
      const type = primitiveSchema(field.fieldType.primitive)["type"];
      enums.push([
        field.name,
        {
          title: field.name,
          description: "An enumeration.",
          enum: field.choices.map(literalToJson),
          type: typeof type === "string" && type !== "" ? type : "string",
        },
      ]);
      prop["allOf"] = [ref(field.name)];
    } else {
      prop["title"] = titleCase(field.name);
      Object.assign(prop, inputTypeSchema(field.inputType));
    }

    const { repetition, primitive } = field.fieldType;
    // A None default on a non-nullable input is no default (e.g. a seed
    // drawn at run time), except on a Secret, where it means "optional".
    let nullable = repetition === "optional" || repetition === "optional-repeated" || field.inputType.nullable;
    if (primitive === "Secret" && repetition === "required" && field.default?.kind === "none") nullable = true;
    const hasDefault = field.default !== undefined && (field.default.kind !== "none" || nullable);
    const isUnion = field.inputType.kind === "union";
    if (!hasDefault && (isUnion || repetition === "required" || repetition === "repeated")) required.push(field.name);
    if (hasDefault && field.default !== undefined) prop["default"] = literalToJson(field.default);
    if (nullable) prop["nullable"] = true;
    const extra: [string, JsonValue | undefined][] = [
      ["description", field.description],
      ["minimum", field.ge],
      ["maximum", field.le],
      ["minLength", field.minLength],
      ["maxLength", field.maxLength],
      ["pattern", field.regex],
      ["deprecated", field.deprecated === true ? true : undefined],
      ["x-cog-accept", field.accept],
    ];
    for (const [key, value] of extra) if (value !== undefined) prop[key] = value;
    properties[field.name] = prop;
  }
  const schema: JsonObject = { title: "Input", type: "object", properties };
  if (required.length > 0) schema["required"] = required;
  return { schema, enums };
}

/**
 * One document for a model with both entry points: the predict document,
 * plus the train paths and components it lacks.
 */
export function mergeDocuments(predict: JsonObject, train: JsonObject): JsonObject {
  const merged = structuredClone(predict);
  const into = (a: JsonValue | undefined, b: JsonValue | undefined): void => {
    if (!isObject(a) || !isObject(b)) return;
    for (const [k, v] of Object.entries(b)) if (!(k in a)) a[k] = v;
  };
  into(merged["paths"], train["paths"]);
  const schemasOf = (doc: JsonObject): JsonValue | undefined => {
    const c = doc["components"];
    return isObject(c) ? c["schemas"] : undefined;
  };
  into(schemasOf(merged), schemasOf(train));
  return merged;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
