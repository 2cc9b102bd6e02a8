// The differences accepted between cognix's schema (Cog's static generator)
// and the schema the 0.16 cog SDK's server reports at run time. Each is a
// named rewrite with its reason; anything they do not cover must be equal.
// ts/openapi/README.md lists the same differences.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schemas = Record<string, Json>;

/** Components that describe the server rather than the model (they differ between the two servers by design). */
export const SERVER_COMPONENTS = new Set([
  "PredictionRequest", "PredictionResponse", "TrainingRequest", "TrainingResponse",
  "Status", "HTTPValidationError", "ValidationError", "WebhookEvent",
]);

const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === "object" && v !== null && !Array.isArray(v);
const refName = (v: Json | undefined): string | undefined =>
  isObject(v) && typeof v["$ref"] === "string" ? v["$ref"].replace("#/components/schemas/", "") : undefined;
const titleCase = (s: string): string => s.split("_").map((p) => (p === "" ? p : p[0]?.toUpperCase() + p.slice(1))).join(" ");

export interface Difference {
  name: string;
  reason: string;
  /** Rewrites the SDK's and cognix's model components so that this difference disappears. */
  apply(sdk: Schemas, cognix: Schemas): void;
}

function mapProps(schema: Json | undefined, fn: (name: string, prop: { [key: string]: Json }) => void): void {
  if (!isObject(schema) || !isObject(schema["properties"])) return;
  for (const [name, prop] of Object.entries(schema["properties"])) if (isObject(prop)) fn(name, prop);
}

const inputNames = ["Input", "TrainingInput"];
const outputNames = ["Output", "TrainingOutput"];

export const ACCEPTED_DIFFERENCES: Difference[] = [
  {
    name: "models inlined",
    reason:
      "The SDK (pydantic) puts each BaseModel class in its own component and refers to it with $ref; Cog's static generator writes the object inline, titled after the field (or \"Output\").",
    apply(sdk) {
      const inlined = new Set<string>();
      const inline = (node: Json, title: string | undefined): Json => {
        const name = refName(node);
        const target = name === undefined ? undefined : sdk[name];
        if (name !== undefined && isObject(target) && target["enum"] === undefined && isObject(node) && Object.keys(node).length === 1) {
          inlined.add(name);
          const copy = inline(structuredClone(target), undefined) as { [key: string]: Json };
          if (title === undefined) delete copy["title"];
          else copy["title"] = title;
          return copy;
        }
        if (Array.isArray(node)) return node.map((n) => inline(n, undefined));
        if (!isObject(node)) return node;
        const out: { [key: string]: Json } = {};
        for (const [k, v] of Object.entries(node)) {
          if (k === "properties" && isObject(v)) {
            out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, inline(s, titleCase(p))]));
          } else out[k] = inline(v, undefined);
        }
        return out;
      };
      for (const key of outputNames) if (sdk[key] !== undefined) sdk[key] = inline(sdk[key] ?? null, key);
      for (const name of inlined) delete sdk[name];
    },
  },
  {
    name: "output titled Output",
    reason: "Cog's static generator titles the top-level output schema \"Output\" in train mode too; the SDK titles it TrainingOutput.",
    apply(sdk) {
      const t = sdk["TrainingOutput"];
      if (isObject(t)) t["title"] = "Output";
    },
  },
  {
    name: "choices through allOf",
    reason: "The SDK refers to a training input's enum with a bare $ref; Cog always writes allOf: [{$ref}] (same meaning).",
    apply(sdk) {
      for (const key of inputNames) {
        mapProps(sdk[key], (_, prop) => {
          const name = refName(prop);
          if (name === undefined) return;
          delete prop["$ref"];
          prop["allOf"] = [{ $ref: `#/components/schemas/${name}` }];
        });
      }
    },
  },
  {
    name: "no output field defaults",
    reason: "The SDK writes a BaseModel field's default into the output schema; Cog's static generator only makes such a field not required.",
    apply(sdk) {
      const strip = (node: Json | undefined): void => {
        if (Array.isArray(node)) node.forEach(strip);
        if (!isObject(node)) return;
        mapProps(node, (_, prop) => delete prop["default"]);
        Object.values(node).forEach(strip);
      };
      for (const key of outputNames) strip(sdk[key]);
    },
  },
  {
    name: "Any values are objects",
    reason: "For dict[str, Any] the SDK writes additionalProperties: true; Cog writes Any as {\"type\": \"object\"}.",
    apply(sdk) {
      const fix = (node: Json | undefined): void => {
        if (Array.isArray(node)) node.forEach(fix);
        if (!isObject(node)) return;
        if (node["additionalProperties"] === true) node["additionalProperties"] = { type: "object" };
        Object.values(node).forEach(fix);
      };
      for (const key of outputNames) fix(sdk[key]);
    },
  },
  {
    name: "no empty anyOf",
    reason: "The SDK leaves an empty anyOf in the items of an Optional[list[...]] input (a pydantic artefact that constrains nothing).",
    apply(sdk) {
      const fix = (node: Json | undefined): void => {
        if (Array.isArray(node)) node.forEach(fix);
        if (!isObject(node)) return;
        if (Array.isArray(node["anyOf"]) && node["anyOf"].length === 0) delete node["anyOf"];
        Object.values(node).forEach(fix);
      };
      for (const key of inputNames) fix(sdk[key]);
    },
  },
  {
    name: "null defaults written",
    reason: "For an Optional input defaulting to None, Cog writes \"default\": null; the SDK leaves the default out (the same: absent means null).",
    apply(_, cognix) {
      for (const key of inputNames) mapProps(cognix[key], (_, prop) => {
        if (prop["default"] === null) delete prop["default"];
      });
    },
  },
  {
    name: "None default on a non-Optional input",
    reason:
      "`seed: int = None` (or Input(default=None)): Cog treats None as no default and requires the input; the SDK lets it be omitted. A bare Secret with default None is the exception: Cog makes it nullable, the SDK leaves it optional without nullable.",
    apply(sdk, cognix) {
      for (const key of inputNames) {
        const theirs = sdk[key];
        const ours = cognix[key];
        if (!isObject(theirs) || !isObject(ours) || !isObject(theirs["properties"])) continue;
        const sdkRequired = Array.isArray(theirs["required"]) ? theirs["required"] : [];
        const sdkProps = theirs["properties"];
        const optionalInSdk = (name: string): boolean => {
          const p = sdkProps[name];
          return isObject(p) && !sdkRequired.includes(name) && p["default"] === undefined && p["nullable"] === undefined;
        };
        if (Array.isArray(ours["required"])) {
          ours["required"] = ours["required"].filter((n) => typeof n !== "string" || !optionalInSdk(n));
          if (ours["required"].length === 0) delete ours["required"];
        }
        mapProps(ours, (name, prop) => {
          if (prop["x-cog-secret"] === true && optionalInSdk(name)) delete prop["nullable"];
        });
      }
    },
  },
];

/** The components that describe the model, with the accepted differences rewritten away. */
export function comparable(sdkDoc: Record<string, unknown>, cognixDoc: Record<string, unknown>): { sdk: Schemas; cognix: Schemas } {
  const pick = (doc: Record<string, unknown>): Schemas => {
    const schemas = (doc["components"] as { schemas: Schemas }).schemas;
    return structuredClone(Object.fromEntries(Object.entries(schemas).filter(([k]) => !SERVER_COMPONENTS.has(k))));
  };
  const sdk = pick(sdkDoc);
  const cognix = pick(cognixDoc);
  for (const d of ACCEPTED_DIFFERENCES) d.apply(sdk, cognix);
  return { sdk, cognix };
}
