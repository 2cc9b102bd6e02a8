import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Args } from "../cli/args.ts";
import type { Context } from "../cli/context.ts";
import { progress } from "../cli/context.ts";
import { UsageError } from "../cli/usage-error.ts";
import { startChroot, type ChrootImage } from "../runtime/chroot.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { ociForChroot } from "./chroot-oci.ts";
import { engineName } from "./engine-option.ts";
import { chooseEngine, type Engine } from "./engine.ts";
import { findExecutable, runTool } from "./exec.ts";
import { engineTool, imageToStart } from "./image-ref.ts";
import { parseEnvPairs } from "./model-env.ts";
import { gatherInputs, buildInput, type GivenInputs } from "./predict-inputs.ts";
import { getJson, postPrediction, waitReady } from "./predict-http.ts";
import { outputPath, saveOutput } from "./predict-output.ts";
import { defaultResult } from "./built-image.ts";

export type Runner = { kind: "cog"; path: string } | { kind: "engine"; engine: Engine };

/** `cog predict` when cog is there (and not refused), else a container engine. */
export function chooseRunner(ctx: Context, opts: { noCog: boolean; engine?: Engine["name"] }): Runner {
  const cog = opts.noCog || opts.engine !== undefined ? null : findExecutable("cog", ctx.env);
  if (cog !== null) return { kind: "cog", path: cog };
  try {
    return { kind: "engine", engine: chooseEngine(ctx, opts.engine) };
  } catch (err) {
    if (err instanceof CognixError && opts.engine === undefined && !opts.noCog) {
      throw new CognixError({ message: "none of cog, docker or podman found on PATH: install Cog (https://cog.run) or a container engine, or run the image with --engine chroot" });
    }
    throw err;
  }
}

export interface PredictOptions {
  gpus: string | null | undefined;
  env: Record<string, string>;
  setupTimeout: number | undefined;
  output: string | undefined;
  json: string | undefined;
}

/** `cog predict` arguments: what was given, passed on in Cog's own spelling. */
export function cogArgs(image: string, inputs: readonly string[], opts: PredictOptions): string[] {
  return [
    "predict",
    image,
    ...(typeof opts.gpus === "string" ? ["--gpus", opts.gpus] : []),
    ...inputs.flatMap((i) => ["-i", i]),
    ...(opts.json !== undefined ? ["--json", opts.json] : []),
    ...(opts.output !== undefined ? ["-o", opts.output] : []),
    ...Object.entries(opts.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    ...(opts.setupTimeout !== undefined ? ["--setup-timeout", String(opts.setupTimeout)] : []),
  ];
}

/** How each engine is told which GPUs: docker's --gpus, podman's CDI device. */
export function gpuArgs(engine: Engine["name"], gpus: string | null): string[] {
  if (gpus === null) return [];
  if (engine === "podman") return ["--device", `nvidia.com/gpu=${gpus.replace(/^device=/, "")}`];
  return ["--gpus", gpus];
}

/** `docker run` / `podman run` arguments: detached, removed on stop, port 5000 published on `publish`. */
export function engineRunArgs(engine: Engine["name"], image: string, gpus: string | null, env: Record<string, string> = {}, publish = "127.0.0.1::5000"): string[] {
  return ["run", "--detach", "--rm", "--publish", publish, ...gpuArgs(engine, gpus), ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), image];
}

/** Whether the image's run.cog.config label asks for a GPU (what `cog predict` looks at). */
export function labelWantsGpu(label: string | undefined): boolean {
  if (label === undefined || label === "") return false;
  try {
    return (JSON.parse(label) as { build?: { gpu?: unknown } }).build?.gpu === true;
  } catch {
    return false;
  }
}

/** "0.0.0.0:49153" or "[::]:49153" (one per line) -> a base URL on localhost. */
export function baseUrlFromPort(out: string): string {
  const m = /:(\d+)\s*$/m.exec(out.split("\n")[0] ?? "");
  if (m === null) throw new Error(`cannot read the published port from ${JSON.stringify(out)}`);
  return `http://127.0.0.1:${m[1]}`;
}

/** Sends the inputs to a ready server and writes the output as `cog predict` does. */
async function predictAt(ctx: Context, base: string, given: GivenInputs, opts: PredictOptions, printJson: boolean): Promise<number> {
  const openapi = await getJson(`${base}/openapi.json`);
  const input = buildInput(given, openapi, ctx.cwd);
  const jsonMode = given.kind === "json";
  // Checked before the prediction runs, so a long one is not lost to a bad path.
  const dest = outputPath(ctx.cwd, opts.output, jsonMode ? "output.json" : "output");
  progress(ctx, "running the prediction...");
  const prediction = await postPrediction(base, input);
  if (!jsonMode && prediction.status !== "succeeded") {
    throw new CognixError({ message: `prediction ${prediction.status}: ${prediction.error ?? "(no error message)"}${prediction.logs ? `\n${prediction.logs}` : ""}` });
  }
  const fileDest = jsonMode ? dest.replace(/\.json$/, "") : dest;
  const saved = prediction.status === "succeeded" ? saveOutput(prediction.output ?? null, openapi, fileDest, opts.output !== undefined && !jsonMode) : { output: null, files: [], text: null };
  for (const f of saved.files) ctx.stderr.write(`written output to ${f}\n`);
  if (printJson) ctx.stdout.write(canonicalJson({ files: saved.files, ok: prediction.status === "succeeded", output: saved.output }));
  else if (jsonMode) {
    // As Cog prints it in --json mode: the whole prediction, files by their paths.
    const doc = `${JSON.stringify({ ...prediction, output: saved.output }, null, 2)}\n`;
    if (opts.output !== undefined) {
      const { writeFileAtomic } = await import("../util/atomic-write.ts");
      writeFileAtomic(dest, doc);
      ctx.stderr.write(`written output to ${dest}\n`);
    } else ctx.stdout.write(doc);
  } else if (saved.text !== null && opts.output === undefined) ctx.stdout.write(`${saved.text}\n`);
  return prediction.status === "succeeded" ? 0 : 1;
}

async function withChroot(ctx: Context, image: string | undefined, result: string, given: GivenInputs, opts: PredictOptions, printJson: boolean): Promise<number> {
  if (typeof opts.gpus === "string") throw new UsageError("--gpus: under chroot the model sees this machine's devices; leave --gpus out");
  const work = mkdtempSync(join(tmpdir(), "cognix-run-"));
  let running: ChrootImage | null = null;
  try {
    const oci = await ociForChroot(ctx, image, result, work);
    progress(ctx, `starting ${oci.dir}:${oci.tag} under chroot...`);
    running = await startChroot({ ociDir: oci.dir, tag: oci.tag, bundleDir: join(work, "bundle"), env: opts.env });
    const started = running;
    const giveUp = new AbortController();
    const outcome = await Promise.race([
      waitReady(started.base, (opts.setupTimeout ?? 300) * 1000, 500, giveUp.signal).then(() => null),
      started.exited.then((code) => code),
    ]).finally(() => giveUp.abort());
    if (outcome !== null) throw new CognixError({ message: `the model's server exited (${outcome}) before it was ready:\n${started.logs().slice(-4000)}` });
    return await predictAt(ctx, started.base, given, opts, printJson);
  } finally {
    await running?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function withEngine(ctx: Context, engine: Engine, image: string, given: GivenInputs, opts: PredictOptions, printJson: boolean): Promise<number> {
  const gpus = opts.gpus !== undefined ? opts.gpus : labelWantsGpu(await engineTool(ctx, engine, ["image", "inspect", "--format", '{{index .Config.Labels "run.cog.config"}}', image])) ? "all" : null;
  progress(ctx, `starting ${image} with ${engine.name}${gpus !== null ? ` (GPUs: ${gpus})` : ""}...`);
  const id = await engineTool(ctx, engine, engineRunArgs(engine.name, image, gpus, opts.env));
  try {
    const base = baseUrlFromPort(await engineTool(ctx, engine, ["port", id, "5000/tcp"]));
    await waitReady(base, (opts.setupTimeout ?? 300) * 1000);
    return await predictAt(ctx, base, given, opts, printJson);
  } finally {
    await runTool(engine.path, ["stop", id], { cwd: ctx.cwd, env: ctx.env });
  }
}

/** `cognix run [IMAGE] -i NAME=VALUE...`. */
export async function predictCommand(args: Args, ctx: Context): Promise<number> {
  if (args.has("gpus") && args.flag("no-gpus")) throw new UsageError("--gpus and --no-gpus contradict each other");
  const opts: PredictOptions = {
    gpus: args.flag("no-gpus") ? null : args.string("gpus"),
    env: parseEnvPairs(args.list("env")),
    setupTimeout: args.integer("setup-timeout", { min: 1 }),
    output: args.string("output"),
    json: args.string("json"),
  };
  const printJson = args.flag("print-json");
  // Inputs and the files they name are read before anything starts.
  const given = await gatherInputs(args.list("input"), opts.json, ctx.cwd, ctx.stdin);
  const runner = chooseRunner(ctx, { noCog: args.flag("no-cog"), engine: engineName(args, ["docker", "podman", "chroot"]) });
  const result = args.string("result") ?? defaultResult(ctx.cwd);
  if (runner.kind === "engine" && runner.engine.name === "chroot") return withChroot(ctx, args.positional(0), result, given, opts, printJson);
  if (runner.kind === "cog") {
    if (printJson) throw new UsageError("--print-json needs docker, podman or chroot (cog predict prints its own output); add --no-cog");
    const image = await imageToStart(ctx, findDocker(ctx), args.positional(0), result);
    const r = await runTool(runner.path, cogArgs(image, args.list("input"), opts), { cwd: ctx.cwd, env: ctx.env, inheritStderr: true, stderr: ctx.stderr });
    ctx.stdout.write(r.stdout);
    return r.status === 0 ? 0 : 1;
  }
  const image = await imageToStart(ctx, runner.engine, args.positional(0), result);
  return withEngine(ctx, runner.engine, image, given, opts, printJson);
}

/** The docker cog predict will use, to load the image into; null when there is none. */
function findDocker(ctx: Context): Engine | null {
  const path = findExecutable("docker", ctx.env);
  return path === null ? null : { name: "docker", path };
}
