import type { CommandSpec } from "../cli/spec.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { findModelRoot } from "../util/model-root.ts";
import { defaultProgress, PROGRESS_MODES } from "./build-progress.ts";
import { defaultResult } from "./built-image.ts";

/** `cognix build [NAME]`: nix build of one model of the flake into ./result. */
export const buildCommand: CommandSpec = {
  name: "build",
  summary: "nix build the model into ./result (the image as a command)",
  description:
    "Builds model NAME (default: \"default\") of the flake with `nix build`: the flake at or above the model the current directory is in, or -C DIR. The result link (default: result in the model's directory) is the image as a command: RESULT load | oci DIR | push REF. Before building, checks that git tracks the model's files and that cognix.json matches cog.yaml.",
  options: [
    { name: "tag", short: "t", kind: "string", value: "NAME[:TAG]", help: "then load the image into docker or podman under this name", cog: "the same name, given to the image loaded into docker or podman after the build" },
    { name: "flake", short: "C", kind: "string", value: "DIR", help: "the flake directory (default: the nearest at or above the model)" },
    { name: "out-link", short: "o", kind: "string", value: "LINK", help: "where to put the result link (default: result in the model's directory)" },
    { name: "system", kind: "string", value: "SYS", help: "the Nix system to build for (default: this machine's)" },
    { name: "progress", kind: "string", value: "MODE", help: "auto, tty, plain or quiet: nix's progress bar, or its build logs line by line (auto: tty on a terminal, plain otherwise; default $BUILDKIT_PROGRESS)", cog: true },
    { name: "separate-weights", kind: "boolean", help: "refuse files of 10 MiB or more in the code layer (declared weights always get layers of their own)", cog: "cognix keeps weights declared in cog.yaml in layers of their own always; with the flag, large files left in /src are an error instead of being moved" },
    { name: "openapi-schema", kind: "string", value: "FILE", help: "also write the image's OpenAPI schema (the document it serves) to FILE", cog: "Cog reads the schema from FILE; cognix reads it from predict.py at generate time and writes the image's to FILE" },
    { name: "no-check", kind: "boolean", help: "skip the git and cognix.json checks" },
    { name: "json", kind: "boolean", help: "print {ok, model, outPath, outLink, system} on stdout" },
  ],
  positionals: [{ name: "NAME" }],
  passThrough: "NIX_ARGS",
  jsonOption: "json",
  cog: {
    command: "cog build",
    differs: "The image is ./result (loaded, pushed or written out from there), built by nix, the same bytes each time; -t loads it into docker or podman.",
    without: {
      "--secret": "build.run mounts come from cog.yaml",
      "--no-cache": "nix rebuilds only what changed; pass -- --rebuild",
      "--use-cuda-base-image": "no base image: the closure holds what the model uses",
      "--use-cog-base-image": "no base image",
      "--dockerfile": "no Dockerfile",
      "--timestamp": "every build is reproducible",
      "--strip": "not offered",
      "--precompile": "not offered",
      "-f/--file": "cog.yaml or cog.yml in the model directory",
    },
  },
  async run(args, ctx) {
    const progressMode = args.choice("progress", PROGRESS_MODES) ?? (args.flag("json") ? "quiet" : defaultProgress(ctx.env));
    const tagValue = args.string("tag");
    const { imageTag } = await import("./image-tag.ts");
    const tag = tagValue === undefined ? undefined : imageTag(tagValue, "--tag");
    const { chooseEngine } = await import("./engine.ts");
    // Fail before building when the image has nowhere to go.
    const engine = tag === undefined ? undefined : chooseEngine(ctx);
    const { flakeDirFor } = await import("./flake-dir.ts");
    const { currentSystem } = await import("./nix.ts");
    const { buildModel, writeOpenApiSchema } = await import("./build-model.ts");
    const given = args.string("flake");
    const localModel = given === undefined ? findModelRoot(ctx.cwd) : null;
    const result = await buildModel(ctx, {
      flakeDir: flakeDirFor(ctx, given),
      name: args.positional(0) ?? "default",
      system: args.string("system") ?? currentSystem(),
      outLink: args.string("out-link") ?? defaultResult(ctx.cwd),
      check: !args.flag("no-check"),
      extraArgs: args.rest,
      progress: progressMode,
      ...(localModel !== null ? { localModel } : {}),
    });
    if (args.flag("separate-weights")) await (await import("./separate-weights.ts")).requireSeparateWeights(ctx, result.outLink);
    const schemaFile = args.string("openapi-schema");
    if (schemaFile !== undefined) await writeOpenApiSchema(ctx, result.outLink, schemaFile);
    let images: string[] = [];
    if (engine !== undefined && tag !== undefined) images = (await (await import("./load-image.ts")).loadImage(ctx, result.outLink, engine, tag)).images;
    if (args.flag("json")) ctx.stdout.write(canonicalJson({ ok: true, ...result, ...(tag !== undefined ? { images } : {}) }));
    else {
      ctx.stdout.write(`${result.outPath}\n`);
      if (engine !== undefined) ctx.stderr.write(`loaded into ${engine.name} as ${images.join(", ") || tag}\n`);
    }
    return 0;
  },
};
