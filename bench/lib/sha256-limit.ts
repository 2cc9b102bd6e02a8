/**
 * The single-core sha256 limit: Node's crypto over one 64 MiB buffer, best
 * of `runs`. Prints MiB/s. Run in a process of its own, beside the others.
 */
import { createHash } from "node:crypto";

const runs = Number(process.argv[2] ?? "5");
const buf = Buffer.alloc(64 * 1024 * 1024, 0x5a);
let best = Infinity;
for (let i = 0; i < runs; i++) {
  const t = process.hrtime.bigint();
  createHash("sha256").update(buf).digest();
  best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
}
process.stdout.write(`${JSON.stringify({ mibPerSecond: 64 / best })}\n`);
