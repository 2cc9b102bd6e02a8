/**
 * What reading and hashing a plan's files can reach on every core, with no
 * tar: one thread per core, each taking the next layer (largest first),
 * walking its paths, reading every file into one 1 MiB buffer and hashing
 * each full buffer. The figure a many-layer digest is bounded by on this
 * machine and tree; timed from when the threads are up. Prints
 * {"seconds": S, "bytes": N}.
 *
 *   node --import tsx bench/lib/read-hash-ceiling.ts PLAN
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** The thread's code, plain JavaScript: no loader needed, nothing of the parent's flags. */
const THREAD = `
const { parentPort } = require("node:worker_threads");
const { closeSync, lstatSync, openSync, readdirSync, readSync } = require("node:fs");
const { createHash } = require("node:crypto");
const buf = Buffer.allocUnsafe(1024 * 1024);
function files(p, out) {
  const st = lstatSync(p);
  if (st.isDirectory()) for (const n of readdirSync(p).sort()) files(p + "/" + n, out);
  else if (st.isFile()) out.push(p);
  return out;
}
parentPort.on("message", (paths) => {
  if (paths === null) return parentPort.postMessage(0);
  const h = createHash("sha256");
  let fill = 0;
  let total = 0;
  for (const p of paths) for (const f of files(p, [])) {
    const fd = openSync(f, "r");
    for (;;) {
      const n = readSync(fd, buf, fill, buf.length - fill, null);
      if (n === 0) break;
      fill += n;
      if (fill === buf.length) { h.update(buf); total += fill; fill = 0; }
    }
    closeSync(fd);
  }
  h.update(buf.subarray(0, fill));
  h.digest();
  parentPort.postMessage(total + fill);
});
`;

const plan = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { layers: { paths: string[]; narSize?: number }[] };
const layers = [...plan.layers].sort((a, b) => (b.narSize ?? 0) - (a.narSize ?? 0)).map((l) => l.paths);
const threads = Array.from({ length: availableParallelism() }, () => new Worker(THREAD, { eval: true, execArgv: [] }));
const ask = (w: Worker, paths: string[] | null): Promise<number> =>
  new Promise((resolve) => {
    w.once("message", resolve);
    w.postMessage(paths);
  });
await Promise.all(threads.map((w) => ask(w, null)));
const start = process.hrtime.bigint();
let next = 0;
const perThread = await Promise.all(
  threads.map(async (w) => {
    let bytes = 0;
    while (next < layers.length) bytes += await ask(w, layers[next++]!);
    return bytes;
  }),
);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
await Promise.all(threads.map((w) => w.terminate()));
process.stdout.write(`${JSON.stringify({ seconds, bytes: perThread.reduce((a, b) => a + b, 0) })}\n`);
