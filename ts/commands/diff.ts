import type { CommandSpec } from "../cli/spec.ts";
import { canonicalJson } from "../util/canonical-json.ts";

/** `cognix diff A B`: what two images share. */
export const diffCommand: CommandSpec = {
  name: "diff",
  summary: "layers and bytes two images share",
  description:
    "The layers and bytes two images share, and what only one of them has: what a registry that holds A still needs for B. A and B are built images (./result) or image spec files (.json). Layers are the same when their digests are (digested specs), else when they hold the same store paths.",
  options: [{ name: "json", kind: "boolean", help: "the report as JSON on stdout" }],
  positionals: [
    { name: "A", required: true },
    { name: "B", required: true },
  ],
  jsonOption: "json",
  cog: { command: null },
  async run(args, ctx) {
    const { readImageSpec } = await import("./result.ts");
    const { diffReport } = await import("./diff-report.ts");
    const [a, b] = [args.positional(0)!, args.positional(1)!];
    const report = diffReport(await readImageSpec(ctx, a), await readImageSpec(ctx, b), { a, b });
    ctx.stdout.write(args.flag("json") ? canonicalJson(report) : (await import("./diff-render.ts")).renderDiff(report));
    return 0;
  },
};
