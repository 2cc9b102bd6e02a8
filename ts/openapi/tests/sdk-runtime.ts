import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);

/** The venv `scripts/tools` installs the 0.16 cog SDK into. */
export const SDK_PYTHON = fileURLToPath(new URL("../../../.tools/cog-0.16.12/bin/python", import.meta.url));

export const sdkAvailable = (): boolean => existsSync(SDK_PYTHON);

/**
 * The schema the 0.16 SDK's server reports for a model, from
 * `python -m cog.command.openapi_schema` run in the model directory. That SDK
 * reads the references from cog.yaml, so one is written.
 */
export async function sdkSchema(modelDir: string, predict?: string, train?: string): Promise<Record<string, unknown>> {
  const yaml = ['build:\n  python_version: "3.11"\n'];
  if (predict !== undefined) yaml.push(`predict: "${predict}"\n`);
  if (train !== undefined) yaml.push(`train: "${train}"\n`);
  writeFileSync(join(modelDir, "cog.yaml"), yaml.join(""));
  const { stdout } = await run(SDK_PYTHON, ["-m", "cog.command.openapi_schema"], {
    cwd: modelDir,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/tmp" },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}
