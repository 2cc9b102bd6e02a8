import type { CognixConfig } from "../types/cognix.ts";
import { CognixError, type Location, type Problem } from "../util/errors.ts";
import { initPythonParser, readModelSchema, type ReadModelFile } from "../openapi/index.ts";
import { MAX_PYTHON_BYTES, readProjectFile } from "./project-file.ts";

// The Python parser is wasm and loads asynchronously, once; generate() itself
// is synchronous.
await initPythonParser();

export interface PredictorSchema {
  /** The document without info.version (the build sets it), or null without predict and train. */
  document: CognixConfig["openapiSchema"];
  files: NonNullable<CognixConfig["source"]["pythonFiles"]>;
  /** COG_MAX_CONCURRENCY: cog.yaml's concurrency.max, else @cog.concurrent's max, else 1. */
  concurrencyMax: number;
  /** Whether cog.yaml says nothing and @cog.concurrent decided (Cog then writes it into run.cog.config). */
  concurrencyFromDecorator: boolean;
}

/** Python files of the model, read under the same rules as every file generate reads. */
function projectReader(root: string): ReadModelFile {
  return (relPath) => {
    const r = readProjectFile(root, relPath, MAX_PYTHON_BYTES);
    if (r.ok) return r.bytes;
    if (r.missing || r.why === "is a directory") return undefined;
    throw new CognixError({ file: relPath, message: `${relPath} ${r.why}` });
  };
}

/**
 * The OpenAPI schema of the model's predictor and trainer, read as Cog's
 * build reads it (statically), and the concurrency the image runs with.
 * A predictor Cog's build would refuse is refused here, at its position.
 */
export function predictorSchema(
  root: string,
  refs: { predict: string | null; train: string | null },
  concurrency: { max: number; loc?: Location | undefined },
): PredictorSchema {
  if (refs.predict === null && refs.train === null) {
    return { document: null, files: [], concurrencyMax: concurrency.max, concurrencyFromDecorator: false };
  }
  const schema = readModelSchema({ modelDir: root, predict: refs.predict ?? undefined, train: refs.train ?? undefined, readFile: projectReader(root) });
  const { runner } = schema;
  if (concurrency.loc !== undefined && concurrency.max > 1 && !runner.isAsync) {
    const problem: Problem = { ...concurrency.loc, message: "concurrency.max > 1 requires an async run() or predict() method" };
    throw new CognixError(problem);
  }
  const fromDecorator = concurrency.loc === undefined && runner.concurrencyMax !== undefined;
  // info.version is the SDK's, known once uv.lock is: the build writes it.
  const found = schema.document["info"];
  const info = typeof found === "object" && found !== null && !Array.isArray(found) ? { ...found } : {};
  delete info["version"];
  return {
    // generate() checks the whole of cognix.json against its schema.
    document: { ...schema.document, info } as CognixConfig["openapiSchema"],
    files: schema.files,
    concurrencyMax: fromDecorator ? (runner.concurrencyMax ?? 1) : concurrency.max,
    concurrencyFromDecorator: fromDecorator,
  };
}
