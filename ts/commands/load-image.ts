import { spawn } from "node:child_process";
import type { Context } from "../cli/context.ts";
import { progress } from "../cli/context.ts";
import { CognixError } from "../util/errors.ts";
import type { Engine } from "./engine.ts";
import { requireResult } from "./result.ts";

interface Piped {
  producer: number;
  consumer: number;
  stdout: string;
  stderr: string;
  /** The engine exited first and the image tool, no longer read, was stopped. */
  producerStopped: boolean;
}

/** `result load | engine load`, stdout of the engine and stderr of both captured. */
function pipeLoad(ctx: Context, result: string, engine: Engine, tag: string | undefined): Promise<Piped> {
  return new Promise((resolvePiped, reject) => {
    const producer = spawn(result, ["load", ...(tag !== undefined ? ["--tag", tag] : [])], { cwd: ctx.cwd, env: ctx.env, stdio: ["ignore", "pipe", "pipe"] });
    const consumer = spawn(engine.path, ["load"], { cwd: ctx.cwd, env: ctx.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // A tty shows the image tool's progress as it goes.
    const tty = ctx.stderr.isTTY === true;
    producer.stderr.on("data", (b: Buffer) => (tty ? ctx.stderr.write(b) : err.push(b)));
    consumer.stderr.on("data", (b: Buffer) => err.push(b));
    consumer.stdout.on("data", (b: Buffer) => out.push(b));
    // The engine may exit early (bad archive): ignore the broken pipe, report its status.
    consumer.stdin.on("error", () => undefined);
    producer.stdout.pipe(consumer.stdin);
    let codes: [number | null, number | null] = [null, null];
    let pending = 2;
    let producerStopped = false;
    const done = (): void => {
      pending -= 1;
      if (pending === 0) {
        resolvePiped({ producer: codes[0] ?? 1, consumer: codes[1] ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), producerStopped });
      }
    };
    producer.on("error", reject);
    consumer.on("error", reject);
    producer.on("close", (code) => {
      codes = [code, codes[1]];
      done();
    });
    consumer.on("close", (code) => {
      // Nobody reads the archive any more (e.g. no docker daemon): stop writing it rather than block forever.
      if (producer.exitCode === null && producer.signalCode === null) {
        producerStopped = true;
        producer.stdout.unpipe();
        producer.stdout.destroy();
        producer.kill("SIGTERM");
      }
      codes = [codes[0], code];
      done();
    });
  });
}

/** Image names the engine reports ("Loaded image: NAME"). */
export function loadedImages(stdout: string): string[] {
  return [...stdout.matchAll(/^Loaded image(?: ID)?: *(\S+)\s*$/gm)].map((m) => m[1]!).sort();
}

/**
 * `RESULT load | ENGINE load`, as NAME:TAG when `tag` is given (else the
 * image's own name and tag); the names the engine reports.
 */
export async function loadImage(ctx: Context, input: string, engine: Engine, tag?: string): Promise<{ images: string[]; stdout: string }> {
  const result = requireResult(ctx, input);
  progress(ctx, `loading ${input} into ${engine.name}...`);
  const r = await pipeLoad(ctx, result, engine, tag);
  // A stopped image tool failed only because the engine had already finished: the engine's status decides.
  if (r.producer !== 0 && !r.producerStopped) throw new CognixError({ file: input, message: `\`${input} load\` failed (exit ${r.producer}): ${r.stderr.trim()}` });
  if (r.consumer !== 0) throw new CognixError({ message: `${engine.name} load failed (exit ${r.consumer}): ${r.stderr.trim()}` });
  return { images: loadedImages(r.stdout), stdout: r.stdout };
}
