import { readFileSync } from "node:fs";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/**
 * Problems of a CycloneDX 1.6 JSON document by the CycloneDX project's own
 * library and its bundled schema (strict: no keys the schema does not name).
 */
export async function cyclonedxProblems(text: string): Promise<string[]> {
  const error: unknown = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text);
  if (error === null) return [];
  return (Array.isArray(error) ? error : [error]).map((e) => JSON.stringify(e).slice(0, 300));
}

let spdxValidator: ((doc: unknown) => boolean) & { errors?: unknown } | undefined;

function spdxSchemaCheck(doc: unknown): string[] {
  if (spdxValidator === undefined) {
    const schema = JSON.parse(readFileSync(new URL("../../schemas/spdx-2.3.schema.json", import.meta.url), "utf8")) as object;
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    spdxValidator = ajv.compile(schema);
  }
  if (spdxValidator(doc)) return [];
  const errors = (spdxValidator.errors ?? []) as { instancePath: string; message?: string }[];
  return errors.map((e) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}`);
}

/** What JSON Schema cannot say: identifiers are unique, relationships name defined elements, the document describes something. */
function spdxReferenceCheck(doc: unknown): string[] {
  const d = doc as { packages?: { SPDXID?: unknown }[]; relationships?: { spdxElementId?: unknown; relatedSpdxElement?: unknown; relationshipType?: unknown }[] };
  const problems: string[] = [];
  const ids = new Set<string>(["SPDXRef-DOCUMENT"]);
  (d.packages ?? []).forEach((p, i) => {
    const id = String(p.SPDXID);
    if (ids.has(id)) problems.push(`/packages/${i}/SPDXID: ${id} is defined twice`);
    ids.add(id);
  });
  const known = (ref: string): boolean => ids.has(ref) || ref === "NONE" || ref === "NOASSERTION" || ref.startsWith("DocumentRef-");
  (d.relationships ?? []).forEach((r, i) => {
    for (const key of ["spdxElementId", "relatedSpdxElement"] as const) {
      const ref = String(r[key]);
      if (!known(ref)) problems.push(`/relationships/${i}/${key}: ${ref} is not an element of this document`);
    }
  });
  if (!(d.relationships ?? []).some((r) => r.spdxElementId === "SPDXRef-DOCUMENT" && r.relationshipType === "DESCRIBES")) {
    problems.push("/relationships: nothing says what the document DESCRIBES");
  }
  return problems;
}

/** Problems of an SPDX 2.3 JSON document: the schema written from the specification, then the cross-references. */
export function spdxProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return [`not JSON: ${(err as Error).message}`];
  }
  const schema = spdxSchemaCheck(doc);
  return schema.length > 0 ? schema : spdxReferenceCheck(doc);
}
