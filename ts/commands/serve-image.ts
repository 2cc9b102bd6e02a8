import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { isIPv6 } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Args } from "../cli/args.ts";
import type { Context } from "../cli/context.ts";
import { UsageError } from "../cli/usage-error.ts";
import { startChroot } from "../runtime/chroot.ts";
import { CognixError } from "../util/errors.ts";
import { ociForChroot } from "./chroot-oci.ts";
import { engineName } from "./engine-option.ts";
import { chooseEngine, type Engine } from "./engine.ts";
import { runTool } from "./exec.ts";
import { engineTool, imageToStart } from "./image-ref.ts";
import { parseEnvPairs } from "./model-env.ts";
import { engineRunArgs, labelWantsGpu } from "./predict.ts";
import { waitReady } from "./predict-http.ts";
import { defaultResult } from "./built-image.ts";

const COG_SERVE_PORT = 8393;

/** Resolves once SIGINT or SIGTERM arrives (the handlers are removed then). */
function interrupted(): { done: Promise<string>; cancel: () => void } {
  let cancel = (): void => undefined;
  const done = new Promise<string>((resolveSignal) => {
    const on = (signal: string): void => {
      cancel();
      resolveSignal(signal);
    };
    const onInt = (): void => on("SIGINT");
    const onTerm = (): void => on("SIGTERM");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
    cancel = () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    };
  });
  return { done, cancel };
}

/** The URL people open: localhost for the loopback address, as Cog shows it. */
function url(host: string, port: number): string {
  const shown = host === "127.0.0.1" || host === "::1" ? "localhost" : isIPv6(host) ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

interface Served {
  /** Where the server answers from here. */
  base: string;
  exited: Promise<number>;
  stop: () => Promise<void>;
}

async function serveWithEngine(ctx: Context, engine: Engine, image: string, host: string, port: number, gpus: string | null | undefined, env: Record<string, string>): Promise<Served> {
  const useGpus = gpus !== undefined ? gpus : labelWantsGpu(await engineTool(ctx, engine, ["image", "inspect", "--format", '{{index .Config.Labels "run.cog.config"}}', image])) ? "all" : null;
  const id = await engineTool(ctx, engine, engineRunArgs(engine.name, image, useGpus, env, `${isIPv6(host) ? `[${host}]` : host}:${port}:5000`));
  // The container's output (both streams) on stderr while it runs; its exit code once it stops.
  const follow = spawn(engine.path, ["logs", "--follow", id], { cwd: ctx.cwd, env: ctx.env, stdio: ["ignore", "pipe", "pipe"] });
  follow.stdout.on("data", (d: Buffer) => ctx.stderr.write(d));
  follow.stderr.on("data", (d: Buffer) => ctx.stderr.write(d));
  const logs = new Promise<void>((done) => follow.on("close", () => done())).then(async () => {
    const state = await runTool(engine.path, ["wait", id], { cwd: ctx.cwd, env: ctx.env });
    return Number(state.stdout.trim()) || 0;
  });
  const local = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return {
    base: `http://${isIPv6(local) ? `[${local}]` : local}:${port}`,
    exited: logs,
    stop: async () => {
      await runTool(engine.path, ["stop", id], { cwd: ctx.cwd, env: ctx.env });
      follow.kill();
    },
  };
}

async function serveWithChroot(ctx: Context, image: string | undefined, result: string, host: string, port: number, env: Record<string, string>): Promise<Served> {
  const work = mkdtempSync(join(tmpdir(), "cognix-serve-"));
  try {
    const oci = await ociForChroot(ctx, image, result, work);
    const running = await startChroot({
      ociDir: oci.dir,
      tag: oci.tag,
      bundleDir: join(work, "bundle"),
      env,
      port,
      appendArgs: ["--host", host],
      onOutput: (chunk) => ctx.stderr.write(chunk),
    });
    const local = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
    return {
      base: `http://${isIPv6(local) ? `[${local}]` : local}:${port}`,
      exited: running.exited,
      stop: async () => {
        try {
          await running.stop();
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

/** `cognix serve [IMAGE]`: starts the server, says where, and stops it on SIGINT/SIGTERM. */
export async function serveImage(args: Args, ctx: Context): Promise<number> {
  if (args.has("gpus") && args.flag("no-gpus")) throw new UsageError("--gpus and --no-gpus contradict each other");
  const port = args.integer("port", { min: 1, max: 65_535 }) ?? COG_SERVE_PORT;
  const host = args.string("host") ?? "127.0.0.1";
  const env = parseEnvPairs(args.list("env"));
  const setupTimeout = args.integer("setup-timeout", { min: 1 }) ?? 300;
  const gpus = args.flag("no-gpus") ? null : args.string("gpus");
  const engine = chooseEngine(ctx, engineName(args, ["docker", "podman", "chroot"]));
  const result = args.string("result") ?? defaultResult(ctx.cwd);
  const signal = interrupted();
  let served: Served | null = null;
  try {
    if (engine.name === "chroot") {
      if (typeof gpus === "string") throw new UsageError("--gpus: under chroot the model sees this machine's devices; leave --gpus out");
      served = await serveWithChroot(ctx, args.positional(0), result, host, port, env);
    } else {
      served = await serveWithEngine(ctx, engine, await imageToStart(ctx, engine, args.positional(0), result), host, port, gpus, env);
    }
    const running = served;
    const giveUp = new AbortController();
    const outcome = await Promise.race([
      waitReady(running.base, setupTimeout * 1000, 500, giveUp.signal).then(() => "ready" as const),
      running.exited.then((code) => ({ code })),
      signal.done,
    ]).finally(() => giveUp.abort());
    if (typeof outcome === "object") throw new CognixError({ message: `the model's server exited (${outcome.code}) before it was ready` });
    if (outcome !== "ready") return 130;
    ctx.stderr.write(`serving at ${url(host, port)} (Ctrl-C stops it)\n`);
    const end = await Promise.race([signal.done, running.exited.then((code) => ({ code }))]);
    if (typeof end === "string") return 0;
    throw new CognixError({ message: `the model's server exited (${end.code})` });
  } finally {
    signal.cancel();
    await served?.stop();
  }
}
