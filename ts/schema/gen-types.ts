import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { compile, type JSONSchema } from "json-schema-to-typescript";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { loadSchema, type SchemaName } from "./validators.ts";

/** Which generated file each schema becomes, relative to ts/types/. */
const TARGETS: { schema: SchemaName; file: string; typeName: string }[] = [
  { schema: "cog", file: "cog-yaml.ts", typeName: "CogYaml" },
  { schema: "cognix", file: "cognix.ts", typeName: "CognixConfig" },
];

export interface GeneratedFile {
  path: string;
  content: string;
}

export function typesDir(): string {
  return new URL("../types/", import.meta.url).pathname;
}

/** Renders the TypeScript types for every schema, in memory. */
export async function generateTypes(): Promise<GeneratedFile[]> {
  const out: GeneratedFile[] = [];
  for (const t of TARGETS) {
    const schema = loadSchema(t.schema) as JSONSchema;
    const content = await compile(schema, t.typeName, {
      bannerComment: `/* Generated from schemas/${t.schema}.schema.json by \`npm run gen:types\`. Do not edit. */`,
      additionalProperties: false,
      // Prettier output is stable for a given version; keep formatting on for readable types.
      format: true,
      strictIndexSignatures: true,
      unreachableDefinitions: false,
      cwd: new URL("../../schemas/", import.meta.url).pathname,
    });
    out.push({ path: `${typesDir()}${t.file}`, content });
  }
  return out;
}

/** Files whose content on disk differs from what the schemas produce. */
export async function staleTypeFiles(): Promise<string[]> {
  const stale: string[] = [];
  for (const f of await generateTypes()) {
    let current: string | null = null;
    try {
      current = readFileSync(f.path, "utf8");
    } catch {
      current = null;
    }
    if (current !== f.content) stale.push(f.path);
  }
  return stale;
}

async function main(): Promise<void> {
  for (const f of await generateTypes()) {
    writeFileAtomic(f.path, f.content);
    process.stdout.write(`wrote ${f.path}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
