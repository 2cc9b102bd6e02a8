import type { CommandSpec } from "../cli/spec.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { ENGINE_OPTION, engineName } from "./engine-option.ts";
import { defaultResult } from "./built-image.ts";

/** `cognix load [RESULT]`: the built image into docker or podman. */
export const loadCommand: CommandSpec = {
  name: "load",
  summary: "load the built image into docker or podman",
  description: "Loads a built image into docker or podman: `RESULT load | docker load`. RESULT is what `cognix build` made (default: the model's ./result).",
  options: [
    { ...ENGINE_OPTION, help: "docker or podman (default: docker when found, else podman)" },
    { name: "tag", short: "t", kind: "string", value: "NAME[:TAG]", help: "load it under this name (default: the image's own)" },
    { name: "json", kind: "boolean", help: "print {ok, engine, images} on stdout" },
  ],
  positionals: [{ name: "RESULT" }],
  jsonOption: "json",
  cog: { command: null, differs: "cog build puts the image in docker itself; cognix builds ./result, which this loads." },
  async run(args, ctx) {
    const { chooseEngine } = await import("./engine.ts");
    const { loadImage } = await import("./load-image.ts");
    const { imageTag } = await import("./image-tag.ts");
    const engine = chooseEngine(ctx, engineName(args, ["docker", "podman"]));
    const tag = args.string("tag");
    const loaded = await loadImage(ctx, args.positional(0) ?? defaultResult(ctx.cwd), engine, tag === undefined ? undefined : imageTag(tag, "--tag"));
    if (args.flag("json")) ctx.stdout.write(canonicalJson({ engine: engine.name, images: loaded.images, ok: true }));
    else ctx.stdout.write(loaded.stdout);
    return 0;
  },
};
