// The image tool's commands (`cognix image …`, `./result load|oci|push|sbom`,
// the Nix build's build-spec): declarations only, so help loads none of the
// code they run.
import type { OptionSpec } from "../cli/option-spec.ts";
import type { CommandSpec } from "../cli/spec.ts";
import { PUSH_OPTIONS } from "../registry/push-options.ts";

const SPEC: OptionSpec = { name: "spec", kind: "string", value: "SPEC.json", help: "the image spec" };
const JSON_OUT: OptionSpec = { name: "json", kind: "boolean", help: "print the result as JSON on stdout" };

/** What build-spec and plan read: the closure, the config and how to lay out the layers. */
const PLAN_OPTIONS: readonly OptionSpec[] = [
  { name: "graph", kind: "string", value: "GRAPH.json", help: "the closure (exportReferencesGraph's JSON)" },
  { name: "config", kind: "string", value: "CONFIG.json", help: "the image config (Cmd, Env, Labels, ...)" },
  { name: "root", kind: "string", value: "ROOT.json", help: "root filesystem entries outside the store" },
  { name: "max-layers", kind: "string", value: "N", help: "at most N layers (2 to Docker's 125)" },
  { name: "own-layer", kind: "list", value: "PATH", help: "a store path that gets a layer of its own (repeatable)" },
  { name: "own-layer-threshold", kind: "string", value: "BYTES", help: "store paths this big get layers of their own" },
  { name: "buckets", kind: "string", value: "N", help: "layers shared store paths are grouped into" },
  { name: "created", kind: "string", value: "RFC3339", help: "the image's creation time (default: the epoch)" },
  { name: "arch", kind: "string", value: "ARCH", help: "the image's architecture (default amd64)" },
  { name: "name", kind: "string", value: "NAME", help: "the image's name" },
  { name: "tag", kind: "string", value: "TAG", help: "the image's tag" },
  { name: "bom", kind: "string", value: "BOM.json", help: "what the SBOM says beyond the closure; labels the config with its digest" },
];

const run = (name: "buildSpec" | "plan" | "digest" | "load" | "oci" | "push" | "inspect"): CommandSpec["run"] => async (args, ctx) =>
  (await import("./commands.ts"))[name](args, ctx);

export const IMAGE_COMMANDS: readonly CommandSpec[] = [
  {
    name: "build-spec",
    summary: "plan the layers and digest them into an image spec",
    options: [...PLAN_OPTIONS, { name: "out", kind: "string", value: "SPEC.json", help: "where to write the spec" }, JSON_OUT],
    jsonOption: "json",
    run: run("buildSpec"),
  },
  {
    name: "plan",
    summary: "plan the layers without reading file content",
    options: [...PLAN_OPTIONS, { name: "out", kind: "string", value: "SPEC.json", help: "write the planned spec (default: print it with --json)" }, JSON_OUT],
    jsonOption: "json",
    run: run("plan"),
  },
  {
    name: "digest",
    summary: "tar and digest the layers of a planned spec",
    options: [{ ...SPEC, value: "PLAN.json", help: "the planned spec" }, { name: "out", kind: "string", value: "SPEC.json", help: "where to write the digested spec" }, JSON_OUT],
    jsonOption: "json",
    run: run("digest"),
  },
  {
    name: "load",
    summary: "the image as a docker-archive (stdout unless -o)",
    options: [SPEC, { name: "output", short: "o", kind: "string", value: "FILE", help: "write it to FILE (atomically)" }, { name: "tag", kind: "string", value: "NAME:TAG", help: "the name docker gives it (default: the spec's)" }, JSON_OUT],
    jsonOption: "json",
    run: run("load"),
  },
  {
    name: "oci",
    summary: "the image as an OCI layout and/or an OCI archive",
    options: [SPEC, { name: "archive", kind: "string", value: "FILE", help: "also write an OCI archive" }, { name: "tag", kind: "string", value: "REF", help: "the ref name in the layout (default: the spec's tag)" }, JSON_OUT],
    positionals: [{ name: "DIR" }],
    jsonOption: "json",
    run: run("oci"),
  },
  {
    name: "push",
    summary: "push the image to a registry, uploading only what it lacks",
    options: [SPEC, ...PUSH_OPTIONS],
    positionals: [{ name: "REF", required: true }],
    jsonOption: "json",
    run: run("push"),
  },
  {
    name: "inspect",
    summary: "what a spec holds: layers, sizes, digests",
    options: [SPEC, JSON_OUT],
    jsonOption: "json",
    run: run("inspect"),
  },
  {
    name: "sbom",
    summary: "the image's SBOM (CycloneDX or SPDX), checked against its label",
    options: [
      SPEC,
      { name: "format", kind: "string", value: "FORMAT", help: "cyclonedx (default) or spdx" },
      { name: "output", short: "o", kind: "string", value: "FILE", help: "write it to FILE (atomically) instead of stdout" },
      { name: "stored", kind: "string", value: "DIR", help: "the SBOMs the build wrote (else made from the spec)" },
    ],
    run: async (args, ctx) => (await import("./sbom-command.ts")).sbomCmd(args, ctx),
  },
];

/** `cognix image …` as a group of the cognix command. */
export const IMAGE_GROUP: CommandSpec = {
  name: "image",
  summary: "the image tool: spec, layers, load / oci / push (low level)",
  subcommands: IMAGE_COMMANDS,
  cog: { command: null },
};
