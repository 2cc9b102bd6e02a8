/** Which entry point of the model a schema describes. */
export type Mode = "predict" | "train";

/** A Python type annotation as written, before names are resolved. */
export type TypeAnnotation =
  | { kind: "simple"; name: string }
  | { kind: "generic"; name: string; args: TypeAnnotation[] }
  | { kind: "union"; args: TypeAnnotation[] };

/** A statically evaluated Python literal (defaults, choices, constants). */
export type Literal =
  | { kind: "none" }
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "str"; value: string }
  | { kind: "list" | "set"; items: Literal[] }
  | { kind: "dict"; keys: Literal[]; values: Literal[] };

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The scalar types an input or output can have. */
export type Primitive = "bool" | "float" | "int" | "str" | "Path" | "File" | "Secret" | "Any";

/** Cardinality of a flat input type (what choices and defaults are checked against). */
export type Repetition = "required" | "optional" | "repeated" | "optional-repeated";

export interface FieldType {
  primitive: Primitive;
  repetition: Repetition;
}

/** The recursive type of an input (JSON-native types and unions). */
export type InputType =
  | { kind: "primitive"; primitive: Primitive; nullable: boolean }
  | { kind: "any"; nullable: boolean }
  | { kind: "array"; elem: InputType; nullable: boolean }
  | { kind: "union"; variants: InputType[]; nullable: boolean };

/** What an `Input(...)` call says about a parameter. */
export interface InputCallInfo {
  default?: Literal;
  description?: string;
  ge?: number;
  le?: number;
  minLength?: number;
  maxLength?: number;
  regex?: string;
  choices?: Literal[];
  deprecated?: boolean;
  accept?: string;
}

export interface InputField extends InputCallInfo {
  name: string;
  order: number;
  fieldType: FieldType;
  inputType: InputType;
}

export interface SchemaField {
  type: SchemaType;
  default?: Literal;
  required: boolean;
}

/** The recursive type of an output. */
export type SchemaType = { nullable?: boolean } & (
  | { kind: "primitive"; primitive: Primitive }
  | { kind: "any" }
  | { kind: "array"; items: SchemaType }
  | { kind: "dict"; value: SchemaType }
  | { kind: "object"; fields: Map<string, SchemaField> }
  | { kind: "iterator"; elem: SchemaType }
  | { kind: "concatenate-iterator" }
);

/** Everything about one entry point that the OpenAPI document depends on. */
export interface PredictorInfo {
  mode: Mode;
  inputs: InputField[];
  output: SchemaType;
  streaming: boolean;
  /** `async def`: what concurrency above 1 needs. */
  isAsync: boolean;
  /** `@cog.concurrent(max=N)`, when decorated. */
  concurrencyMax?: number;
}

/** Where a local name was imported from (`from module import original as name`). */
export interface ImportEntry {
  module: string;
  original: string;
}

export type Imports = Map<string, ImportEntry>;

/** A field of a BaseModel or TypedDict class. */
export interface ModelField {
  name: string;
  type: TypeAnnotation;
  default?: Literal;
  /** TypedDict key requirement (Required/NotRequired/total); undefined for BaseModel. */
  keyRequired?: boolean;
}

export type ModelClasses = Map<string, ModelField[]>;
