import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { compile, type JSONSchema } from "json-schema-to-typescript";
import { writeFileAtomic } from "../util/atomic-write.ts";

/**
 * Which generated file each schema (schemas/<schema>.schema.json) becomes,
 * relative to ts/types/. The image spec and the weights files are data
 * cognix writes and checks itself: plain maps and arrays serve its code
 * better than `| undefined` entries and minItems tuples.
 */
const TARGETS: { schema: string; file: string; typeName: string; plain?: boolean }[] = [
  { schema: "cog", file: "cog-yaml.ts", typeName: "CogYaml" },
  { schema: "cognix", file: "cognix.ts", typeName: "CognixConfig" },
  { schema: "image-spec", file: "image-spec.ts", typeName: "ImageSpec", plain: true },
  { schema: "weights-lock", file: "weights-lock.ts", typeName: "WeightsLock", plain: true },
  { schema: "weights-manifest", file: "weights-manifest.ts", typeName: "WeightsManifest", plain: true },
];

const schemasDir = new URL("../../schemas/", import.meta.url);

function readSchema(schema: string): JSONSchema {
  return JSON.parse(readFileSync(new URL(`${schema}.schema.json`, schemasDir), "utf8")) as JSONSchema;
}

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
    const content = await compile(readSchema(t.schema), t.typeName, {
      bannerComment: `/* Generated from schemas/${t.schema}.schema.json by \`npm run gen:types\`. Do not edit. */`,
      additionalProperties: false,
      // Prettier output is stable for a given version; keep formatting on for readable types.
      format: true,
      strictIndexSignatures: t.plain !== true,
      ignoreMinAndMaxItems: t.plain === true,
      unreachableDefinitions: false,
      cwd: schemasDir.pathname,
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
