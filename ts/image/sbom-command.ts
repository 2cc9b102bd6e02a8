import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Args } from "../cli/args.ts";
import { checkAgainstLabel, sbomBytes, type SbomFormat } from "../sbom/document.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { CognixError } from "../util/errors.ts";
import type { Io } from "./io.ts";
import { readSpec } from "./spec-file.ts";
import { writeChunksTo } from "./write-stream.ts";

/** File names of the SBOMs the Nix build writes (the `image.sbom` directory). */
export const SBOM_FILES: Record<SbomFormat, string> = { cyclonedx: "sbom.cdx.json", spdx: "sbom.spdx.json" };

/**
 * `cognix image sbom --spec SPEC [--format F] [-o FILE] [--stored DIR]`:
 * the image's SBOM, from the build's own files when `--stored` names them,
 * else made from the spec; the CycloneDX document is checked against the
 * image's label either way.
 */
export async function sbomCmd(a: Args, io: Io): Promise<number> {
  const specFile = a.required("spec");
  const spec = readSpec(specFile);
  const format = a.choice("format", ["cyclonedx", "spdx"] as const) ?? "cyclonedx";
  const stored = a.string("stored");
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
  const out = a.string("output");
  // Through a pipeline, so a closed pipe (`| head`) is an error main() reports, not a crash.
  if (out === undefined) await writeChunksTo(io.stdout, (async function* () {
    yield bytes;
  })());
  else writeFileAtomic(out, bytes);
  return 0;
}
