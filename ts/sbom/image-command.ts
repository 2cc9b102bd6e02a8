import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Io } from "../image/io.ts";
import { parseArgs, required, single } from "../image/args.ts";
import { readSpec } from "../image/spec-file.ts";
import { writeChunksTo } from "../image/write-stream.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { CognixError } from "../util/errors.ts";
import { checkAgainstLabel, parseFormat, sbomBytes, type SbomFormat } from "./document.ts";

/** File names of the SBOMs the Nix build writes (the `image.sbom` directory). */
export const SBOM_FILES: Record<SbomFormat, string> = { cyclonedx: "sbom.cdx.json", spdx: "sbom.spdx.json" };

/**
 * `cognix image sbom --spec SPEC [--format F] [-o FILE] [--stored DIR]`:
 * the image's SBOM, from the build's own files when `--stored` names them,
 * else made from the spec; the CycloneDX document is checked against the
 * image's label either way.
 */
export async function sbomCmd(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, ["--spec", "--format", "-o", "--output", "--stored"], ["--json"]);
  if (a.positionals.length > 0) throw new CognixError({ message: `sbom takes no positional arguments, got ${JSON.stringify(a.positionals[0])}` }, 2);
  const specFile = required(a, "--spec");
  const spec = readSpec(specFile);
  const format = parseFormat(single(a, "--format"));
  const stored = single(a, "--stored");
  let bytes: Buffer;
  if (stored !== undefined) {
    const file = join(stored, SBOM_FILES[format]);
    if (!existsSync(file)) throw new CognixError({ file, message: "the build wrote no SBOM here" });
    bytes = readFileSync(file);
    if (format === "cyclonedx") checkAgainstLabel(spec, bytes, file);
  } else {
    bytes = sbomBytes(spec, format);
    checkAgainstLabel(spec, format === "cyclonedx" ? bytes : sbomBytes(spec, "cyclonedx"), specFile);
  }
  const out = single(a, "-o") ?? single(a, "--output");
  // Through a pipeline, so a closed pipe (`| head`) is an error main() reports, not a crash.
  if (out === undefined) await writeChunksTo(io.stdout, (async function* () {
    yield bytes;
  })());
  else writeFileAtomic(out, bytes);
  return 0;
}
