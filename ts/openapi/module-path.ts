import { posix } from "node:path";

// Modules Cog never looks for in the model directory: the standard library
// and well-known packages.
const EXTERNAL = new Set([
  "builtins", "typing", "typing_extensions", "collections", "abc", "enum", "dataclasses",
  "os", "sys", "io", "json", "re", "math", "pathlib", "functools", "itertools", "contextlib",
  "concurrent", "asyncio", "multiprocessing", "threading", "logging", "warnings", "unittest", "pytest",
  "numpy", "torch", "tensorflow", "jax", "scipy", "sklearn", "transformers", "diffusers", "accelerate",
  "safetensors", "PIL", "cv2", "skimage", "requests", "httpx", "aiohttp", "fastapi", "flask", "pydantic", "cog",
]);

export function isKnownExternalModule(module: string): boolean {
  const dot = module.indexOf(".");
  const top = (dot > 0 ? module.slice(0, dot) : module).replace(/^\.+/, "");
  return EXTERNAL.has(top);
}

/**
 * The model-relative file a module lives in: `.types` beside the importing
 * file, `pkg.types` from the model directory. Empty when there is none.
 */
export function moduleToFilePath(module: string, sourcePath: string): string {
  const clean = module.replace(/^\.+/, "");
  if (clean === "") return "";
  const parts = clean.split(".");
  if (!module.startsWith(".") || sourcePath === "") return posix.join(...parts) + ".py";
  const level = module.length - clean.length;
  let base = posix.dirname(sourcePath);
  if (base === ".") base = "";
  for (let i = 0; i < level - 1 && base !== ""; i++) {
    base = posix.dirname(base);
    if (base === ".") base = "";
  }
  return posix.join(...(base === "" ? parts : [base, ...parts])) + ".py";
}

/** `from pkg import mod` names a module too: pkg.mod (or .mod for `from . import mod`). */
export function nestedModule(module: string, original: string): string {
  if (module === "" || original === "") return module;
  return module === "." ? `.${original}` : `${module}.${original}`;
}
