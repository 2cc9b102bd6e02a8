import type { InputType, JsonObject, Primitive, SchemaType } from "./types.ts";

/** JSON Schema of a primitive, as Cog writes it. */
export function primitiveSchema(p: Primitive): JsonObject {
  switch (p) {
    case "bool":
      return { type: "boolean" };
    case "float":
      return { type: "number" };
    case "int":
      return { type: "integer" };
    case "str":
      return { type: "string" };
    case "Path":
    case "File":
      return { type: "string", format: "uri" };
    case "Secret":
      return { type: "string", format: "password", writeOnly: true, "x-cog-secret": true };
    case "Any":
      return { type: "object" };
  }
}

/** JSON Schema of an input's type; union variants carry `nullable` too when the union does. */
export function inputTypeSchema(t: InputType): JsonObject {
  let schema: JsonObject;
  switch (t.kind) {
    case "primitive":
      schema = primitiveSchema(t.primitive);
      break;
    case "any":
      schema = primitiveSchema("Any");
      break;
    case "array":
      schema = { type: "array", items: inputTypeSchema(t.elem) };
      break;
    case "union":
      schema = {
        anyOf: t.variants.map((v) => {
          const s = inputTypeSchema(v);
          if (t.nullable) s["nullable"] = true;
          return s;
        }),
      };
      break;
  }
  if (t.nullable) schema["nullable"] = true;
  return schema;
}

/** JSON Schema of an output type; the top level is titled "Output". */
export function outputSchema(t: SchemaType, title?: string): JsonObject {
  const schema = outputCore(t);
  if (title !== undefined) schema["title"] = title;
  if (t.nullable === true) schema["nullable"] = true;
  return schema;
}

function outputCore(t: SchemaType): JsonObject {
  switch (t.kind) {
    case "primitive":
      return primitiveSchema(t.primitive);
    case "any":
      return { type: "object" };
    case "array":
      return { type: "array", items: outputSchema(t.items) };
    case "dict":
      return { type: "object", additionalProperties: outputSchema(t.value) };
    case "object": {
      const properties: JsonObject = {};
      const required: string[] = [];
      for (const [name, field] of t.fields) {
        properties[name] = { ...outputSchema(field.type), title: titleCase(name) };
        if (field.required && field.default === undefined) required.push(name);
      }
      return required.length > 0 ? { type: "object", properties, required } : { type: "object", properties };
    }
    case "iterator":
      return { type: "array", items: outputSchema(t.elem), "x-cog-array-type": "iterator" };
    case "concatenate-iterator":
      return {
        type: "array",
        items: { type: "string" },
        "x-cog-array-type": "iterator",
        "x-cog-array-display": "concatenate",
      };
  }
}

/** snake_case → Title Case, as Cog titles properties. */
export function titleCase(s: string): string {
  return s
    .split("_")
    .map((p) => (p === "" ? p : p[0]?.toUpperCase() + p.slice(1)))
    .join(" ");
}
