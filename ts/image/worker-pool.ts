import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { CognixError } from "../util/errors.ts";
// Imported from the worker module itself so that every compile of this folder emits it.
import type { WorkerJob, WorkerReply } from "./layer-worker.ts";

type JobInput = WorkerJob extends infer J ? (J extends { id: number } ? Omit<J, "id"> : never) : never;
export type FinalReply = Exclude<WorkerReply, { op: "progress" }>;

const SELF = import.meta.url;
const FROM_SOURCES = SELF.endsWith(".ts");
const SCRIPT = new URL(`./layer-worker${FROM_SOURCES ? ".ts" : ".js"}`, SELF);

/**
 * Compiled, the worker is plain JavaScript. Run from the TypeScript sources
 * (tests, benchmarks), the worker first registers tsx's loader, as a worker
 * does not run `--import` preloads; the shipped tool never takes this path.
 */
function startWorker(): Worker {
  // Not the parent's flags: a preload such as a TypeScript loader would only
  // slow every worker's start, and compiled workers need none.
  if (!FROM_SOURCES) return new Worker(SCRIPT, { execArgv: [] });
  // tsx's ESM API, by path: resolving "tsx/esm/api" from here would pick its CommonJS form.
  const api = pathToFileURL(join(dirname(createRequire(SELF).resolve("tsx/package.json")), "dist/esm/api/index.mjs")).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(SCRIPT.href)}); })`;
  return new Worker(boot, { eval: true });
}

interface Running {
  id: number;
  onProgress: (bytes: number) => void;
  resolve: (r: FinalReply) => void;
  reject: (err: Error) => void;
}

/** One worker thread running one job at a time; unreferenced while idle so it never keeps the process alive. */
class LayerWorker {
  private readonly worker: Worker;
  private running: Running | undefined;
  dead = false;

  constructor() {
    this.worker = startWorker();
    this.worker.unref();
    this.worker.on("message", (r: WorkerReply) => {
      const job = this.running;
      if (job === undefined || r.id !== job.id) return;
      if (r.op === "progress") return job.onProgress(r.bytes);
      this.running = undefined;
      this.worker.unref();
      job.resolve(r);
    });
    const fail = (err: Error): void => {
      this.dead = true;
      const job = this.running;
      this.running = undefined;
      job?.reject(err);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`layer worker exited with code ${code}`)));
  }

  run(job: WorkerJob, onProgress: (bytes: number) => void): Promise<FinalReply> {
    return new Promise((resolve, reject) => {
      this.running = { id: job.id, onProgress, resolve, reject };
      this.worker.ref();
      this.worker.postMessage(job);
    });
  }

  terminate(): void {
    this.dead = true;
    void this.worker.terminate();
  }
}

/** Idle workers kept for the next job; more are started when all are busy. */
const idle: LayerWorker[] = [];
const MAX_IDLE = 8;
let nextId = 1;

/** Runs one job on a worker thread and returns its final reply. */
export async function runOnWorker(job: JobInput, onProgress: (bytes: number) => void = () => undefined): Promise<FinalReply> {
  const w = idle.pop() ?? new LayerWorker();
  const reply = await w.run({ ...job, id: nextId++ } as WorkerJob, onProgress);
  if (!w.dead) {
    if (idle.length < MAX_IDLE) idle.push(w);
    else w.terminate();
  }
  return reply;
}

/** The error a worker reported, as the error it was in the worker. */
export function replyError(r: FinalReply, what: string): Error | undefined {
  if (r.op === "error") return new CognixError(r.problems, r.exitCode);
  if (r.op === "crash") return new Error(`${what}: ${r.message}`);
  return undefined;
}
