import { resolve } from "node:path";
import type { Context } from "../cli/context.ts";
import { readSpec } from "../image/spec-file.ts";
import { checkAgainstLabel, sbomBytes, type SbomFormat } from "../sbom/document.ts";
import { CognixError } from "../util/errors.ts";
import { runTool } from "./exec.ts";
import { isJsonFile, requireResult } from "./result.ts";

/** The SBOM of a built image (from its build) or of an image spec (made from it), checked against the label. */
export async function fromImage(ctx: Context, input: string, format: SbomFormat): Promise<Buffer> {
  const abs = resolve(ctx.cwd, input);
  let json = false;
  try {
    json = isJsonFile(abs);
  } catch {
    throw new CognixError({ file: input, message: "not found: give a built image (`cognix build` makes ./result) or an image spec file (.json)" });
  }
  if (json) {
    const spec = readSpec(abs);
    const bytes = sbomBytes(spec, format);
    checkAgainstLabel(spec, format === "cyclonedx" ? bytes : sbomBytes(spec, "cyclonedx"), input);
    return bytes;
  }
  const result = requireResult(ctx, input);
  const r = await runTool(result, ["sbom", "--format", format], { cwd: ctx.cwd, env: ctx.env });
  if (r.status !== 0) throw new CognixError({ file: input, message: `\`${input} sbom\` failed (exit ${r.status}): ${r.stderr.trim() || "no message"}` });
  return Buffer.from(r.stdout, "utf8");
}
