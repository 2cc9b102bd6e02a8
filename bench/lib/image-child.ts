/**
 * Times one image operation of the compiled tool in this process, after
 * Node and the modules have loaded: `digest PLAN` (every layer, in parallel)
 * or `load SPEC` (a docker-archive to /dev/null, every layer verified).
 * Prints {"seconds": S, "bytes": N}.
 *
 *   node --import tsx bench/lib/image-child.ts digest|load FILE DIST_DIR
 */
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

type BuildSpec = typeof import("../../ts/image/build-spec.ts");
type SpecFile = typeof import("../../ts/image/spec-file.ts");
type DockerArchive = typeof import("../../ts/image/docker-archive.ts");
type WriteStream = typeof import("../../ts/image/write-stream.ts");
type CountingChunks = typeof import("../../ts/util/counting-chunks.ts");

const [op, file, dist] = process.argv.slice(2) as [string, string, string];
const load = <T>(rel: string): Promise<T> => import(pathToFileURL(join(dist, rel)).href) as Promise<T>;
const { readSpec } = await load<SpecFile>("image/spec-file.js");
const { digestSpec } = await load<BuildSpec>("image/build-spec.js");
const { dockerArchiveChunks } = await load<DockerArchive>("image/docker-archive.js");
const { writeChunksTo } = await load<WriteStream>("image/write-stream.js");
const { countingChunks } = await load<CountingChunks>("util/counting-chunks.js");
const spec = readSpec(file);
const start = process.hrtime.bigint();
let bytes = 0;
if (op === "digest") {
  const out = await digestSpec(spec);
  bytes = out.layers.reduce((s, l) => s + (l.size ?? 0), 0);
} else {
  // As `image load` writes it: lent views of the layer buffers, each written before the next.
  const sink = createWriteStream("/dev/null");
  await writeChunksTo(sink, countingChunks(dockerArchiveChunks(spec, "bench:bench", undefined, "views"), (n) => (bytes += n)));
  sink.end();
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(`${JSON.stringify({ seconds, bytes })}\n`);
