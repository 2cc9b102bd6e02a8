import { closeSync, openSync, readSync } from "node:fs";
import { resolve } from "node:path";
import { readSpec } from "../image/spec-file.ts";
import { fetchReferrer } from "../registry/referrers-read.ts";
import { CYCLONEDX_MEDIA_TYPE } from "../sbom/cyclonedx.ts";
import { checkAgainstLabel, parseFormat, SBOM_LABEL, sbomBytes, type SbomFormat } from "../sbom/document.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { CognixError } from "../util/errors.ts";
import { flag, parseCommandArgs, stringOption, usageError } from "./args.ts";
import { processContext, type Context } from "./context.ts";
import { runTool } from "./exec.ts";
import { requireResult } from "./result.ts";
import { runCommand } from "./run-command.ts";
import { cyclonedxProblems, spdxProblems } from "./sbom-validate.ts";

export const SBOM_HELP = `Usage: cognix sbom [IMAGE] [options]

The image's bill of materials: every store path (name, version, NAR hash),
every Python distribution (purl, wheel URL and sha256), every weight file
(source, sha256, size), the nixpkgs revision and the closure's dependency
graph. IMAGE is a built image (default: ./result; its build wrote the SBOM)
or an image spec file (.json). The document is checked against the image's
org.cognix.sbom.digest label and against its format's schema before it is
written.

Options:
      --format F            cyclonedx (CycloneDX 1.6 JSON, default) or spdx (SPDX 2.3 JSON)
  -o, --output FILE         write to FILE (atomically) instead of stdout
      --from-registry REF   the SBOM pushed with the image REF (an OCI referrer), checked against its label
      --insecure            plain HTTP to the registry (a local one)
  -h, --help                show this help

Exit codes: 0 ok, 1 error (no image, label or schema mismatch, registry), 2 usage, 70 internal error.
`;

function isJsonFile(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("utf8").trimStart().startsWith("{");
  } finally {
    closeSync(fd);
  }
}

async function fromImage(ctx: Context, input: string, format: SbomFormat): Promise<Buffer> {
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

/** `cognix sbom [IMAGE]`. */
export async function sbomCommand(argv: string[], ctx: Context = processContext()): Promise<number> {
  return runCommand(ctx, argv, async () => {
    const p = parseCommandArgs(
      argv,
      { format: { type: "string" }, output: { type: "string", short: "o" }, "from-registry": { type: "string" }, insecure: { type: "boolean" } },
      SBOM_HELP,
      1,
    );
    if (flag(p, "help")) {
      ctx.stdout.write(SBOM_HELP);
      return 0;
    }
    let format: SbomFormat;
    try {
      format = parseFormat(stringOption(p, "format"));
    } catch (err) {
      throw usageError((err as Error).message, SBOM_HELP);
    }
    const registryRef = stringOption(p, "from-registry");
    let bytes: Buffer;
    if (registryRef !== undefined) {
      if (p.positionals.length > 0) throw usageError("give either IMAGE or --from-registry REF, not both", SBOM_HELP);
      if (format !== "cyclonedx") throw usageError("the registry holds the CycloneDX document; --format spdx needs a built image or a spec", SBOM_HELP);
      const fetched = await fetchReferrer({ ref: registryRef, artifactType: CYCLONEDX_MEDIA_TYPE, insecure: flag(p, "insecure"), env: ctx.env, label: SBOM_LABEL });
      bytes = fetched.bytes;
    } else {
      bytes = await fromImage(ctx, p.positionals[0] ?? "result", format);
    }
    const text = bytes.toString("utf8");
    const problems = format === "cyclonedx" ? await cyclonedxProblems(text) : spdxProblems(text);
    if (problems.length > 0) {
      throw new CognixError(problems.slice(0, 20).map((m) => ({ message: `the ${format === "cyclonedx" ? "CycloneDX 1.6" : "SPDX 2.3"} schema refuses the SBOM: ${m}` })));
    }
    const out = stringOption(p, "output");
    if (out === undefined) ctx.stdout.write(bytes);
    else writeFileAtomic(resolve(ctx.cwd, out), bytes);
    return 0;
  });
}
