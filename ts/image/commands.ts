// What the image tool's commands do (their declarations: command-specs.ts).
import type { Args } from "../cli/args.ts";
import type { Io } from "./io.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { isLoopbackRegistry } from "../registry/loopback.ts";
import { pushImage } from "../registry/push.ts";
import { pushArgs } from "../registry/push-options.ts";
import { parseReference } from "../registry/reference.ts";
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
import { writeChunksAtomic, writeChunksTo } from "./write-stream.ts";
import { countingChunks } from "../util/counting-chunks.ts";
import { readBomInputs } from "../sbom/inputs.ts";
import { SBOM_LABEL } from "../sbom/document.ts";

type Command = (a: Args, io: Io) => Promise<number>;

function specInputs(a: Args): SpecInputs {
  const inputs: SpecInputs = {
    closure: readClosureGraph(a.required("graph")),
    config: readImageConfig(a.required("config")),
  };
  const rootFile = a.string("root");
  const own = a.list("own-layer");
  if (rootFile !== undefined) {
    const root = readRootEntries(rootFile);
    inputs.root = root.entries;
    own.push(...root.ownLayer);
  }
  inputs.ownLayer = [...new Set(own)];
  const bomFile = a.string("bom");
  if (bomFile !== undefined) {
    if (inputs.config.Labels?.[SBOM_LABEL] !== undefined) {
      throw new CognixError({ file: a.required("config"), path: ["Labels", SBOM_LABEL], message: "cognix sets this label itself (the SBOM's digest); remove it from the image labels" });
    }
    inputs.bom = readBomInputs(bomFile);
  }
  const maxLayers = a.integer("max-layers", { min: 2 });
  if (maxLayers !== undefined) {
    if (maxLayers > 125) throw new CognixError({ message: `--max-layers ${maxLayers} is above Docker's limit of 125 layers` });
    inputs.maxLayers = maxLayers;
  }
  const threshold = a.integer("own-layer-threshold", { min: 0 });
  if (threshold !== undefined) inputs.ownLayerThreshold = threshold;
  const buckets = a.integer("buckets", { min: 1 });
  if (buckets !== undefined) inputs.buckets = buckets;
  for (const [opt, key] of [["created", "created"], ["arch", "architecture"], ["name", "name"], ["tag", "tag"]] as const) {
    const v = a.string(opt);
    if (v !== undefined) inputs[key] = v;
  }
  return inputs;
}

function progressFor(a: Args, io: Io): ProgressBar {
  return new ProgressBar(io.stderr, !a.flag("json") && io.stderr.isTTY === true);
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

export const buildSpec: Command = async (a, io) => {
  const out = a.required("out");
  const spec = await digestSpec(planSpec(specInputs(a)), digestProgress(progressFor(a, io)));
  writeSpec(out, spec);
  if (a.flag("json")) io.stdout.write(canonicalJson(buildResult(spec, out)));
  else io.stdout.write(renderSummary(summarizeSpec(spec)));
  return 0;
};

export const plan: Command = async (a, io) => {
  const spec = planSpec(specInputs(a));
  const out = a.string("out");
  if (out !== undefined) writeSpec(out, spec);
  if (a.flag("json")) io.stdout.write(out === undefined ? canonicalJson(spec) : canonicalJson(buildResult(spec, out)));
  else io.stdout.write(renderSummary(summarizeSpec(spec)));
  return 0;
};

export const digest: Command = async (a, io) => {
  const out = a.required("out");
  const spec = await digestSpec(readSpec(a.required("spec")), digestProgress(progressFor(a, io)));
  writeSpec(out, spec);
  if (a.flag("json")) io.stdout.write(canonicalJson(buildResult(spec, out)));
  else io.stdout.write(renderSummary(summarizeSpec(spec)));
  return 0;
};

function totalSize(spec: ImageSpec): number {
  return spec.layers.reduce((s, l) => s + (l.size ?? 0), 0);
}

export const load: Command = async (a, io) => {
  const spec = readSpec(a.required("spec"));
  const file = a.string("output");
  const repoTag = a.string("tag") ?? `${spec.name}:${spec.tag}`;
  if (file === undefined && io.stdout.isTTY) {
    throw new CognixError({ message: "refusing to write an image archive to a terminal: pipe it (| docker load) or use -o FILE" });
  }
  const bar = progressFor(a, io);
  bar.start(totalSize(spec), "docker-archive");
  // Lent views of the layer buffers: both writers write each chunk before asking for the next.
  const chunks = countingChunks(dockerArchiveChunks(spec, repoTag, (id) => bar.setLabel(id), "views"), (n) => bar.add(n));
  if (file === undefined) await writeChunksTo(io.stdout, chunks);
  else await writeChunksAtomic(file, chunks);
  bar.finish();
  const result = { format: "docker-archive", output: file ?? "-", repoTag, manifestDigest: imageManifestBlob(spec).digest };
  if (a.flag("json")) (file === undefined ? io.stderr : io.stdout).write(canonicalJson(result));
  else if (file !== undefined) io.stdout.write(`wrote ${file} (${repoTag})\n`);
  return 0;
};

export const oci: Command = async (a, io) => {
  const spec = readSpec(a.required("spec"));
  const ref = a.string("tag") ?? spec.tag;
  const archive = a.string("archive");
  const dir = a.positional(0);
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
    await writeChunksAtomic(archive, countingChunks(ociArchiveChunks(spec, ref, (id) => bar.setLabel(id), "views"), (n) => bar.add(n)));
    bar.finish();
    manifestDigest = imageManifestBlob(spec).digest;
  }
  const result = { layout: dir ?? null, archive: archive ?? null, ref, manifestDigest };
  if (a.flag("json")) io.stdout.write(canonicalJson(result));
  else io.stdout.write(`${[dir, archive].filter((x) => x !== undefined).join(", ")}: ${ref} ${manifestDigest}\n`);
  return 0;
};

export const push: Command = async (a, io) => {
  const spec = readSpec(a.required("spec"));
  const ref = a.positional(0)!;
  let domain: string;
  try {
    domain = parseReference(ref).domain;
  } catch (err) {
    throw new CognixError({ message: (err as Error).message }, 2);
  }
  const options = pushArgs(a);
  const result = await pushImage({
    ref,
    ...pushSource(spec),
    ...options,
    // Plain HTTP to this machine, as Docker speaks to a local registry.
    insecure: options.insecure === true || isLoopbackRegistry(domain),
    progress: !a.flag("json") && io.stderr.isTTY === true,
  });
  if (a.flag("json")) io.stdout.write(canonicalJson(result));
  else {
    const attached = (result.referrers ?? []).map((r) => `; SBOM ${r.outcome === "pushed" ? "attached" : "already attached"} as ${r.digest} (${r.via === "api" ? "referrers API" : "referrers tag"})`).join("");
    io.stdout.write(`pushed ${result.ref}@${result.digest} (${result.uploaded.length} uploaded, ${result.mounted.length} mounted, ${result.skipped.length} already there)${attached}\n`);
  }
  return 0;
};

export const inspect: Command = async (a, io) => {
  const summary = summarizeSpec(readSpec(a.required("spec")));
  io.stdout.write(a.flag("json") ? canonicalJson(summary) : renderSummary(summary));
  return 0;
};
