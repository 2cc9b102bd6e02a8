import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startChroot, type ChrootImage } from "../runtime/chroot.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { flag, listOption, parseCommandArgs, stringOption, usageError } from "./args.ts";
import { processContext, progress, type Context } from "./context.ts";
import { chooseEngine, parseEngine, type Engine } from "./engine.ts";
import { findExecutable, runTool } from "./exec.ts";
import { buildInput, parseInput, type RawInput } from "./predict-inputs.ts";
import { getJson, runPrediction, waitReady } from "./predict-http.ts";
import { saveOutputFiles } from "./predict-output.ts";
import { readImageSpec } from "./result.ts";
import { runCommand } from "./run-command.ts";

export const PREDICT_HELP = `Usage: cognix predict [IMAGE] [-i NAME=VALUE]... [options]

Runs one prediction. IMAGE is a loaded image (default: the one ./result
builds, after \`cognix load\`). With \`cog\` on PATH this is
\`cog predict IMAGE -i ...\`; without it the image is started with docker or
podman, sent the inputs over HTTP, and stopped. GPU models get all GPUs.
\`--engine chroot\` needs no container engine: as root, the image (./result,
or IMAGE as oci:DIR[:TAG]) is unpacked with umoci and started under chroot in
private mount and pid namespaces, sharing the host's network.

Options:
  -i, --input NAME=VALUE  an input; NAME=@FILE sends a file (repeatable)
      --gpus              give the container all GPUs
      --no-gpus           never give it GPUs (default: what the image's
                          run.cog.config label says)
      --engine E          docker, podman or chroot, without cog (default: docker, else podman)
      --no-cog            use docker/podman even when cog is on PATH
      --result R          the built image to name IMAGE from (default: ./result)
      --timeout S         seconds to wait for setup() (default: 600)
      --json              print the prediction's output as JSON on stdout
  -h, --help              show this help

Files in the output are written to ./output[.N].EXT.
Exit codes: 0 ok, 1 error (no image, no cog/docker/podman, failed
prediction), 2 usage, 70 internal error.
`;

export type Runner = { kind: "cog"; path: string } | { kind: "engine"; engine: Engine };

/** `cog predict` when cog is there (and not refused), else a container engine. */
export function chooseRunner(ctx: Context, opts: { noCog: boolean; engine?: Engine["name"] }): Runner {
  const cog = opts.noCog || opts.engine !== undefined ? null : findExecutable("cog", ctx.env);
  if (cog !== null) return { kind: "cog", path: cog };
  try {
    return { kind: "engine", engine: chooseEngine(ctx, opts.engine) };
  } catch (err) {
    if (err instanceof CognixError && opts.engine === undefined && !opts.noCog) {
      throw new CognixError({ message: "none of cog, docker or podman found on PATH: install Cog (https://cog.run) or a container engine" });
    }
    throw err;
  }
}

/** `cog predict` arguments. */
export function cogArgs(image: string, inputs: readonly string[], gpus: boolean | undefined): string[] {
  return ["predict", image, ...(gpus === true ? ["--gpus", "all"] : []), ...inputs.flatMap((i) => ["-i", i])];
}

/** `docker run` / `podman run` arguments: detached, removed on stop, port 5000 on a free local port. */
export function engineRunArgs(engine: Engine["name"], image: string, gpus: boolean): string[] {
  const gpuArgs = !gpus ? [] : engine === "podman" ? ["--device", "nvidia.com/gpu=all"] : ["--gpus", "all"];
  return ["run", "--detach", "--rm", "--publish", "127.0.0.1::5000", ...gpuArgs, image];
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

async function imageFromResult(ctx: Context, result: string): Promise<string> {
  if (!existsSync(resolve(ctx.cwd, result))) {
    throw new CognixError({ file: result, message: "no IMAGE given and no built image: name an image, or run `cognix build` then `cognix load`" });
  }
  const spec = await readImageSpec(ctx, result);
  return `${spec.name}:${spec.tag}`;
}

async function engineTool(ctx: Context, engine: Engine, args: readonly string[]): Promise<string> {
  const r = await runTool(engine.path, args, { cwd: ctx.cwd, env: ctx.env });
  if (r.status !== 0) throw new CognixError({ message: `${engine.name} ${args[0]} failed (exit ${r.status}): ${r.stderr.trim()}` });
  return r.stdout.trim();
}

/** "0.0.0.0:49153" or "[::]:49153" (one per line) -> a base URL on localhost. */
export function baseUrlFromPort(out: string): string {
  const m = /:(\d+)\s*$/m.exec(out.split("\n")[0] ?? "");
  if (m === null) throw new Error(`cannot read the published port from ${JSON.stringify(out)}`);
  return `http://127.0.0.1:${m[1]}`;
}

/** An OCI layout to start with chroot: IMAGE as oci:DIR[:TAG], else `RESULT oci` into `work`. */
async function ociForChroot(ctx: Context, image: string | undefined, result: string, work: string): Promise<{ dir: string; tag: string }> {
  if (image !== undefined) {
    const m = /^oci:([^:]+)(?::(.+))?$/.exec(image);
    if (m === null) throw new CognixError({ message: `--engine chroot runs an OCI layout: IMAGE must be oci:DIR[:TAG], not ${JSON.stringify(image)}` }, 2);
    return { dir: resolve(ctx.cwd, m[1]!), tag: m[2] ?? "latest" };
  }
  const run = resolve(ctx.cwd, result);
  if (!existsSync(run)) throw new CognixError({ file: result, message: "no built image: run `cognix build` first, or give IMAGE as oci:DIR[:TAG]" });
  const spec = await readImageSpec(ctx, result);
  const dir = join(work, "oci");
  const r = await runTool(run, ["oci", dir], { cwd: ctx.cwd, env: ctx.env });
  if (r.status !== 0) throw new CognixError({ message: `${result} oci failed: ${r.stderr.trim()}` });
  return { dir, tag: spec.tag };
}

async function predictWithChroot(
  ctx: Context,
  image: string | undefined,
  result: string,
  raw: readonly RawInput[],
  opts: { timeoutMs: number; json: boolean },
): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), "cognix-predict-"));
  let running: ChrootImage | null = null;
  try {
    const oci = await ociForChroot(ctx, image, result, work);
    progress(ctx, `starting ${oci.dir}:${oci.tag} under chroot...`);
    running = await startChroot({ ociDir: oci.dir, tag: oci.tag, bundleDir: join(work, "bundle") });
    const base = running.base;
    await Promise.race([
      waitReady(base, opts.timeoutMs),
      running.exited.then((code) => {
        throw new CognixError({ message: `the model's server exited (${code}) before it was ready:\n${running?.logs().slice(-4000) ?? ""}` });
      }),
    ]);
    return await predictAt(ctx, base, raw, opts.json);
  } finally {
    await running?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Sends the inputs to a ready server and writes the output. */
async function predictAt(ctx: Context, base: string, raw: readonly RawInput[], json: boolean): Promise<number> {
  const input = buildInput(raw, await getJson(`${base}/openapi.json`), ctx.cwd);
  progress(ctx, "running the prediction...");
  const prediction = await runPrediction(base, input);
  const { output, files } = saveOutputFiles(prediction.output ?? null, ctx.cwd);
  if (json) ctx.stdout.write(canonicalJson({ files, ok: true, output }));
  else ctx.stdout.write(typeof output === "string" ? `${output}\n` : `${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

async function predictWithEngine(
  ctx: Context,
  engine: Engine,
  image: string,
  raw: readonly RawInput[],
  opts: { gpus: boolean | undefined; timeoutMs: number; json: boolean },
): Promise<number> {
  const gpus = opts.gpus ?? labelWantsGpu(await engineTool(ctx, engine, ["image", "inspect", "--format", '{{index .Config.Labels "run.cog.config"}}', image]));
  progress(ctx, `starting ${image} with ${engine.name}${gpus ? " (all GPUs)" : ""}...`);
  const id = await engineTool(ctx, engine, engineRunArgs(engine.name, image, gpus));
  try {
    const base = baseUrlFromPort(await engineTool(ctx, engine, ["port", id, "5000/tcp"]));
    await waitReady(base, opts.timeoutMs);
    return await predictAt(ctx, base, raw, opts.json);
  } finally {
    await runTool(engine.path, ["stop", id], { cwd: ctx.cwd, env: ctx.env });
  }
}

/** `cognix predict [IMAGE] -i NAME=VALUE...`. */
export async function predictCommand(argv: string[], ctx: Context = processContext()): Promise<number> {
  return runCommand(ctx, argv, async () => {
    const p = parseCommandArgs(
      argv,
      {
        input: { type: "string", short: "i", multiple: true },
        gpus: { type: "boolean" },
        "no-gpus": { type: "boolean" },
        engine: { type: "string" },
        "no-cog": { type: "boolean" },
        result: { type: "string" },
        timeout: { type: "string" },
        json: { type: "boolean" },
      },
      PREDICT_HELP,
      1,
    );
    if (flag(p, "help")) {
      ctx.stdout.write(PREDICT_HELP);
      return 0;
    }
    if (flag(p, "gpus") && flag(p, "no-gpus")) throw usageError("--gpus and --no-gpus contradict each other", PREDICT_HELP);
    const timeoutText = stringOption(p, "timeout") ?? "600";
    if (!/^\d+$/.test(timeoutText) || Number(timeoutText) === 0) throw usageError(`--timeout must be a positive number of seconds, not ${JSON.stringify(timeoutText)}`, PREDICT_HELP);
    const inputs = listOption(p, "input");
    const raw = inputs.map(parseInput);
    const gpus = flag(p, "gpus") ? true : flag(p, "no-gpus") ? false : undefined;
    const runner = chooseRunner(ctx, { noCog: flag(p, "no-cog"), engine: parseEngine(stringOption(p, "engine")) });
    const timeoutMs = Number(timeoutText) * 1000;
    if (runner.kind === "engine" && runner.engine.name === "chroot") {
      return predictWithChroot(ctx, p.positionals[0], stringOption(p, "result") ?? "result", raw, { timeoutMs, json: flag(p, "json") });
    }
    const image = p.positionals[0] ?? (await imageFromResult(ctx, stringOption(p, "result") ?? "result"));

    if (runner.kind === "cog") {
      if (flag(p, "json")) throw usageError("--json needs docker or podman (cog predict prints its own output); add --no-cog", PREDICT_HELP);
      const r = await runTool(runner.path, cogArgs(image, inputs, gpus), { cwd: ctx.cwd, env: ctx.env, inheritStderr: true, stderr: ctx.stderr });
      ctx.stdout.write(r.stdout);
      return r.status === 0 ? 0 : 1;
    }
    return predictWithEngine(ctx, runner.engine, image, raw, { gpus, timeoutMs, json: flag(p, "json") });
  });
}
