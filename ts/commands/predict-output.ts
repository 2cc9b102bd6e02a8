import { statSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { CognixError } from "../util/errors.ts";

const EXT: Record<string, string> = {
  "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
  "video/mp4": ".mp4", "video/webm": ".webm", "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/mpeg": ".mp3",
  "text/plain": ".txt", "application/json": ".json",
};

type Schema = { type?: string; format?: string; items?: Schema; $ref?: string; allOf?: Schema[]; properties?: Record<string, Schema> };

/** `#/components/schemas/X` followed (and a single allOf, as pydantic writes it). */
function deref(doc: unknown, s: Schema | undefined, depth = 0): Schema | undefined {
  if (s === undefined || depth > 16) return s;
  if (s.$ref !== undefined) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(s.$ref)?.[1];
    const target = name === undefined ? undefined : (doc as { components?: { schemas?: Record<string, Schema> } }).components?.schemas?.[name];
    return deref(doc, target, depth + 1);
  }
  if (s.allOf?.length === 1) return deref(doc, s.allOf[0], depth + 1);
  return s;
}

/** The schema of the prediction's `output`, from the model's OpenAPI document. */
export function outputSchema(openapi: unknown): Schema | undefined {
  const response = (openapi as { paths?: Record<string, { post?: { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> } }> } | null)?.paths?.["/predictions"]?.post?.responses?.["200"]?.content?.["application/json"]?.schema;
  return deref(openapi, deref(openapi, response)?.properties?.["output"]);
}

const isUri = (s: Schema | undefined): boolean => s?.type === "string" && s.format === "uri";

/** Where -o says (a directory gets `fallback` inside it), checked writable before the prediction runs. */
export function outputPath(cwd: string, given: string | undefined, fallback: string): string {
  const path = resolve(cwd, given ?? fallback);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    try {
      if (!statSync(dirname(path)).isDirectory()) throw new Error("not a directory");
    } catch {
      throw new CognixError({ file: given ?? fallback, message: `-o: ${dirname(given ?? fallback)} is not an existing directory` });
    }
  }
  if (!isDir) return path;
  if (given === undefined) throw new CognixError({ file: fallback, message: "is a directory: name the output with -o FILE" });
  return join(path, fallback);
}

/** A data URI's bytes and the extension its media type suggests. */
function decode(uri: string): { data: Buffer; ext: string } | null {
  const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(uri);
  if (m === null) return null;
  const base64 = (m[2] ?? "").split(";").includes("base64");
  const data = base64 ? Buffer.from(m[3]!, "base64") : Buffer.from(decodeURIComponent(m[3]!), "utf8");
  return { data, ext: EXT[m[1] ?? ""] ?? "" };
}

/** Writes a file output as Cog does: the destination's extension kept, else the media type's added. */
function writeDataUri(uri: string, dest: string, files: string[]): string {
  const decoded = decode(uri);
  if (decoded === null) return uri;
  const ext = extname(dest);
  const numbered = /^\.\d+$/.test(ext);
  const path = ext === "" || numbered ? `${dest}${decoded.ext}` : dest;
  writeFileAtomic(path, decoded.data);
  files.push(path);
  return path;
}

export interface SavedOutput {
  /** The output with each file replaced by the path it was written to. */
  output: unknown;
  files: string[];
  /** What to print (or what -o received): null when files were the output. */
  text: string | null;
}

/**
 * The output as `cog predict` treats it: a file (or list of files) is
 * written to DEST (`output` plus the media type's extension, numbered for a
 * list); a string is printed; anything else is printed as JSON. With -o a
 * string or JSON goes to that file instead.
 */
export function saveOutput(output: unknown, openapi: unknown, dest: string, toFile: boolean): SavedOutput {
  const schema = outputSchema(openapi);
  const files: string[] = [];
  const stem = (p: string): string => join(dirname(p), basename(p, extname(p)));
  const fileLike = isUri(schema) || (schema === undefined && typeof output === "string" && output.startsWith("data:"));
  if (fileLike && typeof output === "string") return { output: writeDataUri(output, dest, files), files, text: null };
  const listOfFiles = (schema?.type === "array" && isUri(deref(openapi, schema.items))) || (schema === undefined && Array.isArray(output) && output.length > 0 && output.every((o) => typeof o === "string" && o.startsWith("data:")));
  if (listOfFiles && Array.isArray(output)) {
    const saved = output.map((o, i) => (typeof o === "string" ? writeDataUri(o, `${stem(dest)}.${i}${extname(dest)}`, files) : o));
    return { output: saved, files, text: null };
  }
  const text = typeof output === "string" ? output : JSON.stringify(output, null, 2);
  if (toFile) {
    writeFileAtomic(dest, text);
    files.push(dest);
  }
  return { output, files, text };
}
