import type { Io } from "./io.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { pushImage } from "../registry/push.ts";
import { parseArgs, integerOpt, required, single, type ParsedArgs } from "./args.ts";
import { digestSpec, planSpec, type DigestProgress, type SpecInputs } from "./build-spec.ts";
import { readClosureGraph } from "./closure-graph.ts";
import { dockerArchiveChunks } from "./docker-archive.ts";
import { readImageConfig } from "./image-config.ts";
import { renderSummary, summarizeSpec } from "./inspect.ts";
import { ociArchiveChunks, writeOciLayout } from "./oci-layout.ts";
import { imageManifestBlob } from "./oci-image.ts";
import { ProgressBar } from "../util/progress.ts";
import { pushSource } from "./push-source.ts";
import { readRootEntries } from "./root-entries.ts";
import { readSpec, writeSpec } from "./spec-file.ts";
import type { ImageSpec } from "./spec-types.ts";
import { countingChunks, writeChunksAtomic, writeChunksTo } from "./write-stream.ts";
import { readBomInputs } from "../sbom/inputs.ts";
import { SBOM_LABEL } from "../sbom/document.ts";
import { sbomCmd } from "../sbom/image-command.ts";



type Command = (argv: string[], io: Io) => Promise<number>;

const PUSH_JOBS = 1;

const PLAN_VALUES = [
  "--graph", "--config", "--root", "--max-layers", "--created", "--arch", "--out",
  "--own-layer", "--own-layer-threshold", "--buckets", "--name", "--tag", "--bom",
];

function specInputs(a: ParsedArgs): SpecInputs {
  const inputs: SpecInputs = {
    closure: readClosureGraph(required(a, "--graph")),
    config: readImageConfig(required(a, "--config")),
  };
  const rootFile = single(a, "--root");
  const own = [...(a.values.get("--own-layer") ?? [])];
  if (rootFile !== undefined) {
    const root = readRootEntries(rootFile);
    inputs.root = root.entries;
    own.push(...root.ownLayer);
  }
  inputs.ownLayer = [...new Set(own)];
  const bomFile = single(a, "--bom");
  if (bomFile !== undefined) {
    if (inputs.config.Labels?.[SBOM_LABEL] !== undefined) {
      throw new CognixError({ file: required(a, "--config"), path: ["Labels", SBOM_LABEL], message: "cognix sets this label itself (the SBOM's digest); remove it from the image labels" });
    }
    inputs.bom = readBomInputs(bomFile);
  }
  const maxLayers = integerOpt(a, "--max-layers", 2);
  if (maxLayers !== undefined) {
    if (maxLayers > 125) throw new CognixError({ message: `--max-layers ${maxLayers} is above Docker's limit of 125 layers` });
    inputs.maxLayers = maxLayers;
  }
  const threshold = integerOpt(a, "--own-layer-threshold", 0);
  if (threshold !== undefined) inputs.ownLayerThreshold = threshold;
  const buckets = integerOpt(a, "--buckets", 1);
  if (buckets !== undefined) inputs.buckets = buckets;
  for (const [opt, key] of [["--created", "created"], ["--arch", "architecture"], ["--name", "name"], ["--tag", "tag"]] as const) {
    const v = single(a, opt);
    if (v !== undefined) inputs[key] = v;
  }
  return inputs;
}

function progressFor(a: ParsedArgs, io: Io): ProgressBar {
  return new ProgressBar(io.stderr, !a.flags.has("--json") && io.stderr.isTTY === true);
}

function digestProgress(bar: ProgressBar): DigestProgress {
  let count = 0;
  return {
    start: (total, layers) => {
      count = layers;
      bar.start(total, "");
    },
    layer: (i, id) => bar.setLabel(`layer ${i + 1}/${count} ${id}`),
    bytes: (n) => bar.add(n),
    done: () => bar.finish(),
  };
}

function buildResult(spec: ImageSpec, out: string | undefined): unknown {
  return {
    spec: out ?? null,
    manifestDigest: spec.manifestDigest ?? null,
    configDigest: spec.configDigest ?? null,
    layers: spec.layers.map((l) => ({ id: l.id, diffId: l.diffId ?? null, size: l.size ?? null, narSize: l.narSize ?? 0 })),
  };
}

const buildSpecCmd: Command = async (argv, io) => {
  const a = parseArgs(argv, PLAN_VALUES, ["--json"]);
  const out = required(a, "--out");
  const spec = await digestSpec(planSpec(specInputs(a)), digestProgress(progressFor(a, io)));
  writeSpec(out, spec);
  if (a.flags.has("--json")) io.stdout.write(canonicalJson(buildResult(spec, out)));
  else io.stdout.write(renderSummary(summarizeSpec(spec)));
  return 0;
};

const planCmd: Command = async (argv, io) => {
  const a = parseArgs(argv, PLAN_VALUES, ["--json"]);
  const spec = planSpec(specInputs(a));
  const out = single(a, "--out");
  if (out !== undefined) writeSpec(out, spec);
  if (a.flags.has("--json")) io.stdout.write(out === undefined ? canonicalJson(spec) : canonicalJson(buildResult(spec, out)));
  else io.stdout.write(renderSummary(summarizeSpec(spec)));
  return 0;
};

const digestCmd: Command = async (argv, io) => {
  const a = parseArgs(argv, ["--spec", "--out"], ["--json"]);
  const out = required(a, "--out");
  const spec = await digestSpec(readSpec(required(a, "--spec")), digestProgress(progressFor(a, io)));
  writeSpec(out, spec);
  if (a.flags.has("--json")) io.stdout.write(canonicalJson(buildResult(spec, out)));
  else io.stdout.write(renderSummary(summarizeSpec(spec)));
  return 0;
};

function totalSize(spec: ImageSpec): number {
  return spec.layers.reduce((s, l) => s + (l.size ?? 0), 0);
}

const loadCmd: Command = async (argv, io) => {
  const a = parseArgs(argv, ["--spec", "-o", "--output", "--tag"], ["--json"]);
  const spec = readSpec(required(a, "--spec"));
  const file = single(a, "-o") ?? single(a, "--output");
  const repoTag = single(a, "--tag") ?? `${spec.name}:${spec.tag}`;
  if (file === undefined && io.stdout.isTTY) {
    throw new CognixError({ message: "refusing to write an image archive to a terminal: pipe it (| docker load) or use -o FILE" });
  }
  const bar = progressFor(a, io);
  bar.start(totalSize(spec), "docker-archive");
  const chunks = countingChunks(dockerArchiveChunks(spec, repoTag, (id) => bar.setLabel(id)), (n) => bar.add(n));
  if (file === undefined) await writeChunksTo(io.stdout, chunks);
  else await writeChunksAtomic(file, chunks);
  bar.finish();
  const result = { format: "docker-archive", output: file ?? "-", repoTag, manifestDigest: imageManifestBlob(spec).digest };
  if (a.flags.has("--json")) (file === undefined ? io.stderr : io.stdout).write(canonicalJson(result));
  else if (file !== undefined) io.stdout.write(`wrote ${file} (${repoTag})\n`);
  return 0;
};

const ociCmd: Command = async (argv, io) => {
  const a = parseArgs(argv, ["--spec", "--archive", "--tag"], ["--json"]);
  const spec = readSpec(required(a, "--spec"));
  const ref = single(a, "--tag") ?? spec.tag;
  const archive = single(a, "--archive");
  if (a.positionals.length > 1) throw new CognixError({ message: `oci takes one layout directory, got ${a.positionals.length}` });
  const dir = a.positionals[0];
  if (dir === undefined && archive === undefined) throw new CognixError({ message: "oci needs a layout DIR and/or --archive FILE" });
  const bar = progressFor(a, io);
  let manifestDigest = "";
  if (dir !== undefined) {
    bar.start(spec.layers.length, "oci layout");
    manifestDigest = await writeOciLayout(spec, dir, ref, (id) => {
      bar.setLabel(id);
      bar.add(1);
    });
    bar.finish();
  }
  if (archive !== undefined) {
    bar.start(totalSize(spec), "oci archive");
    await writeChunksAtomic(archive, countingChunks(ociArchiveChunks(spec, ref, (id) => bar.setLabel(id)), (n) => bar.add(n)));
    bar.finish();
    manifestDigest = imageManifestBlob(spec).digest;
  }
  const result = { layout: dir ?? null, archive: archive ?? null, ref, manifestDigest };
  if (a.flags.has("--json")) io.stdout.write(canonicalJson(result));
  else io.stdout.write(`${[dir, archive].filter((x) => x !== undefined).join(", ")}: ${ref} ${manifestDigest}\n`);
  return 0;
};

const pushCmd: Command = async (argv, io) => {
  const a = parseArgs(argv, ["--spec", "--compression", "--jobs", "--cache-dir", "--auth-file"], ["--insecure", "--json"]);
  const spec = readSpec(required(a, "--spec"));
  const ref = a.positionals[0];
  if (ref === undefined || a.positionals.length > 1) throw new CognixError({ message: "push needs exactly one image reference, e.g. registry.example/model:tag" });
  const compression = single(a, "--compression");
  if (compression !== undefined && compression !== "gzip" && compression !== "zstd") {
    throw new CognixError({ message: `--compression expects gzip or zstd, got ${JSON.stringify(compression)}` });
  }
  // One layer at a time: its compression already uses every core; a second
  // layer in flight gained 15-20% here but took peak memory near 200 MiB.
  const jobs = integerOpt(a, "--jobs", 1) ?? PUSH_JOBS;
  const cacheDir = single(a, "--cache-dir");
  const authFile = single(a, "--auth-file");
  const result = await pushImage({
    ref,
    ...pushSource(spec),
    insecure: a.flags.has("--insecure"),
    // The result is printed here, through this command's own output streams.
    json: false,
    progress: !a.flags.has("--json") && io.stderr.isTTY === true,
    ...(compression !== undefined ? { compression } : {}),
    jobs,
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    ...(authFile !== undefined ? { authFile } : {}),
  });
  if (a.flags.has("--json")) io.stdout.write(canonicalJson(result));
  else {
    const attached = (result.referrers ?? []).map((r) => `; SBOM ${r.outcome === "pushed" ? "attached" : "already attached"} as ${r.digest} (${r.via === "api" ? "referrers API" : "referrers tag"})`).join("");
    io.stdout.write(`pushed ${result.ref}@${result.digest} (${result.uploaded.length} uploaded, ${result.mounted.length} mounted, ${result.skipped.length} already there)${attached}\n`);
  }
  return 0;
};

const inspectCmd: Command = async (argv, io) => {
  const a = parseArgs(argv, ["--spec"], ["--json"]);
  const summary = summarizeSpec(readSpec(required(a, "--spec")));
  io.stdout.write(a.flags.has("--json") ? canonicalJson(summary) : renderSummary(summary));
  return 0;
};

export const COMMANDS: Record<string, Command> = {
  "build-spec": buildSpecCmd,
  plan: planCmd,
  digest: digestCmd,
  load: loadCmd,
  oci: ociCmd,
  push: pushCmd,
  inspect: inspectCmd,
  sbom: sbomCmd,
};

// The usage text lives apart so that `cognix image --help` loads none of the commands.
export { USAGE } from "./usage.ts";
