import type { CommandSpec } from "../cli/spec.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { defaultResult } from "./built-image.ts";

/** `cognix size [IMAGE]`: what each layer and store path weighs. */
export const sizeCommand: CommandSpec = {
  name: "size",
  summary: "what each layer and store path of an image weighs",
  description:
    'What each layer and store path of an image contributes, largest first. IMAGE is a built image (default: the model\'s ./result) or an image spec file (.json). Layer sizes are uncompressed tar bytes when the spec is digested, else NAR sizes (marked "nar").',
  options: [
    { name: "top", kind: "string", value: "N", help: "store paths to list (default 20; 0 lists all)" },
    { name: "json", kind: "boolean", help: "the whole report as JSON on stdout (every path)" },
  ],
  positionals: [{ name: "IMAGE" }],
  jsonOption: "json",
  cog: { command: null },
  async run(args, ctx) {
    const top = args.integer("top", { min: 0 }) ?? 20;
    const { readImageSpec } = await import("./result.ts");
    const { sizeReport } = await import("./size-report.ts");
    const report = sizeReport(await readImageSpec(ctx, args.positional(0) ?? defaultResult(ctx.cwd)));
    if (args.flag("json")) ctx.stdout.write(canonicalJson(report));
    else ctx.stdout.write((await import("./size-render.ts")).renderSize(report, top));
    return 0;
  },
};
