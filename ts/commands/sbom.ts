import { resolve } from "node:path";
import type { CommandSpec } from "../cli/spec.ts";
import { UsageError } from "../cli/usage-error.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { CognixError } from "../util/errors.ts";
import { defaultResult } from "./built-image.ts";

/** `cognix sbom [IMAGE]`: the image's bill of materials. */
export const sbomCommand: CommandSpec = {
  name: "sbom",
  summary: "the image's bill of materials (CycloneDX or SPDX), from ./result or the registry",
  description:
    "The image's bill of materials: every store path (name, version, NAR hash), every Python distribution (purl, wheel URL and sha256), every weight file (source, sha256, size), the nixpkgs revision and the closure's dependency graph. IMAGE is a built image (default: the model's result; its build wrote the SBOM) or an image spec file (.json). The document is checked against the image's org.cognix.sbom.digest label and against its format's schema before it is written.",
  options: [
    { name: "format", kind: "string", value: "FORMAT", help: "cyclonedx (CycloneDX 1.6 JSON, default) or spdx (SPDX 2.3 JSON)" },
    { name: "output", short: "o", kind: "string", value: "FILE", help: "write to FILE (atomically) instead of stdout" },
    { name: "from-registry", kind: "string", value: "REF", help: "the SBOM pushed with the image REF (an OCI referrer), checked against its label" },
    { name: "insecure", kind: "boolean", help: "plain HTTP to the registry (implied for localhost and 127.0.0.1)" },
  ],
  positionals: [{ name: "IMAGE" }],
  cog: { command: null },
  async run(args, ctx) {
    const format = args.choice("format", ["cyclonedx", "spdx"] as const) ?? "cyclonedx";
    const registryRef = args.string("from-registry");
    let bytes: Buffer;
    if (registryRef !== undefined) {
      if (args.positional(0) !== undefined) throw new UsageError("give either IMAGE or --from-registry REF, not both");
      if (format !== "cyclonedx") throw new UsageError("the registry holds the CycloneDX document; --format spdx needs a built image or a spec");
      const { fetchReferrer } = await import("../registry/referrers-read.ts");
      const { CYCLONEDX_MEDIA_TYPE } = await import("../sbom/cyclonedx.ts");
      const { SBOM_LABEL } = await import("../sbom/document.ts");
      const { parseReference } = await import("../registry/reference.ts");
      const { isLoopbackRegistry } = await import("../registry/loopback.ts");
      let domain: string;
      try {
        domain = parseReference(registryRef).domain;
      } catch (err) {
        throw new UsageError(`--from-registry: ${(err as Error).message}`);
      }
      const insecure = args.flag("insecure") || isLoopbackRegistry(domain);
      bytes = (await fetchReferrer({ ref: registryRef, artifactType: CYCLONEDX_MEDIA_TYPE, insecure, env: ctx.env, label: SBOM_LABEL })).bytes;
    } else {
      bytes = await (await import("./sbom-read.ts")).fromImage(ctx, args.positional(0) ?? defaultResult(ctx.cwd), format);
    }
    const { cyclonedxProblems, spdxProblems } = await import("./sbom-validate.ts");
    const text = bytes.toString("utf8");
    const problems = format === "cyclonedx" ? await cyclonedxProblems(text) : spdxProblems(text);
    if (problems.length > 0) {
      throw new CognixError(problems.slice(0, 20).map((m) => ({ message: `the ${format === "cyclonedx" ? "CycloneDX 1.6" : "SPDX 2.3"} schema refuses the SBOM: ${m}` })));
    }
    const out = args.string("output");
    if (out === undefined) ctx.stdout.write(bytes);
    else writeFileAtomic(resolve(ctx.cwd, out), bytes);
    return 0;
  },
};
