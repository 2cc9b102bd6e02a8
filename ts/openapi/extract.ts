import { parseAnnotation } from "./annotations.ts";
import { concurrencyOf, isAsync, isStreaming } from "./decorators.ts";
import { locate, missingReturnType, plainUnsupported } from "./errors.ts";
import { extractInputs } from "./inputs.ts";
import { resolveOutputType } from "./output-types.ts";
import type { PythonFile, PythonFiles } from "./python-file.ts";
import { findTarget } from "./target.ts";
import type { Mode, PredictorInfo } from "./types.ts";

/** Reads the inputs, output and streaming flag of `file:name` without running it. */
export function extractPredictor(files: PythonFiles, file: PythonFile, name: string, mode: Mode): PredictorInfo {
  const target = findTarget(files, file, name, mode);
  const { fn } = target;
  const methodName = fn.childForFieldName("name")?.text ?? mode;
  const inputs = extractInputs(fn, target.file, methodName);
  const returnType = fn.childForFieldName("return_type");
  if (returnType === null) {
    throw locate(target.file.path, fn, () => {
      throw missingReturnType(methodName);
    });
  }
  const output = locate(target.file.path, returnType, () =>
    resolveOutputType(parseAnnotation(returnType), target.file.imports, target.file.models),
  );
  const streaming = isStreaming(fn, target.file.imports);
  const concurrencyMax = locate(target.file.path, fn, () => {
    if (streaming && output.kind !== "iterator" && output.kind !== "concatenate-iterator") {
      throw plainUnsupported(
        "@streaming requires Iterator[...], AsyncIterator[...], ConcatenateIterator[...] or AsyncConcatenateIterator[...] return type",
      );
    }
    return concurrencyOf(fn, target.file.imports);
  });
  return { mode, inputs, output, streaming, isAsync: isAsync(fn), ...(concurrencyMax !== undefined ? { concurrencyMax } : {}) };
}
