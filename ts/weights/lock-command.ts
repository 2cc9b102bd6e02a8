import { join, resolve } from "node:path";
import type { CommandSpec } from "../cli/spec.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { modelDir } from "../util/model-root.ts";
import { ProgressLine } from "../util/progress.ts";

/** `cognix lock-weights`: weights.lock.json from cognix.json's weight sources. */
export const lockWeightsCommand: CommandSpec = {
  name: "lock-weights",
  summary: "record each weight file's size and sha256 in weights.lock.json",
  description:
    "Lists each weight source cognix.json declares and writes weights.lock.json beside it with every file's size and sha256 (`cognix lock` does this too, after uv.lock). Files already locked are kept unless --update.",
  options: [
    { name: "config", kind: "string", value: "FILE", help: "the model's cognix.json (default: the model the current directory is in)" },
    { name: "out", kind: "string", value: "FILE", help: "where to write (default: weights.lock.json beside cognix.json)" },
    { name: "update", kind: "boolean", help: "look every source up again" },
    { name: "json", kind: "boolean", help: "print {ok, lockFile, files, notes} on stdout" },
  ],
  jsonOption: "json",
  cog: { command: "cog weights import", differs: "cog weights import looks the files up and pushes them in one step; cognix locks them here and pushes them with push-weights." },
  async run(args, ctx) {
    const { lockModelWeights } = await import("./lock-model.ts");
    const json = args.flag("json");
    const config = args.string("config");
    const progress = new ProgressLine(!json && ctx.stderr.isTTY === true, ctx.stderr);
    const out = args.string("out");
    let done;
    try {
      done = await lockModelWeights(config !== undefined ? resolve(ctx.cwd, config) : join(modelDir(ctx.cwd).dir, "cognix.json"), {
        ...(out !== undefined ? { out: resolve(ctx.cwd, out) } : {}),
        update: args.flag("update"),
        env: ctx.env,
        onFile: (set, path) => progress.update(`locking ${set}: ${path}`),
      });
    } finally {
      progress.done();
    }
    if (json) ctx.stdout.write(canonicalJson({ ok: true, lockFile: done.lockFile, files: done.files, notes: done.notes }));
    else {
      for (const n of done.notes) ctx.stderr.write(`note: ${n}\n`);
      ctx.stderr.write(`wrote ${done.lockFile} (${Object.keys(done.files).length} weight sets)\n`);
    }
    return 0;
  },
};
