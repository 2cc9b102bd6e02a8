import { join } from "node:path";
import type { CognixConfig } from "../types/cognix.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { renderPyproject } from "./render.ts";

/** Writes `<dir>/pyproject.toml` for the model; returns its path. */
export function writePyproject(dir: string, cognix: CognixConfig): string {
  const file = join(dir, "pyproject.toml");
  writeFileAtomic(file, renderPyproject(cognix));
  return file;
}
