// Run-time weight download: lib/weights/downloader.py with parallel ranged
// chunks against the same downloader limited to one stream, from a loopback
// server that caps each connection's rate (as CDNs and object stores do).
// Prints the speed-up ratio measured in this run.
//
//   npx tsx bench/weights-download.ts [--size-mib 64] [--per-connection-mib-s 32] [--jobs 8] [--json]
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    "size-mib": { type: "string", default: "64" },
    "per-connection-mib-s": { type: "string", default: "32" },
    jobs: { type: "string", default: "8" },
    json: { type: "boolean", default: false },
  },
});
const size = Number(values["size-mib"]) << 20;
const rate = Number(values["per-connection-mib-s"]) * (1 << 20);
const jobs = Number(values.jobs);
const downloader = fileURLToPath(new URL("../lib/weights/downloader.py", import.meta.url));
const data = randomBytes(size);

// Sends 64 KiB slices, pacing each connection to `rate` bytes per second.
const server = createServer((req, res) => {
  const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
  const start = m ? Number(m[1]) : 0;
  const end = m ? Number(m[2]) + 1 : data.length;
  res.writeHead(m ? 206 : 200, {
    "content-length": String(end - start),
    ...(m ? { "content-range": `bytes ${start}-${end - 1}/${data.length}` } : {}),
  });
  const began = Date.now();
  let off = start;
  const pump = (): void => {
    while (off < end) {
      const due = began + ((off - start) / rate) * 1000;
      if (Date.now() < due) return void setTimeout(pump, due - Date.now());
      const next = Math.min(end, off + 65536);
      const ok = res.write(data.subarray(off, next));
      off = next;
      if (!ok) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
});

function run(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn("python3", [downloader, ...args], { stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e9) : reject(new Error(`downloader exited ${code}`))));
  });
}

await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/w.bin`;
const dir = mkdtempSync(join(tmpdir(), "cognix-bench-weights-"));
try {
  const manifest = join(dir, "m.json");
  writeFileSync(
    manifest,
    JSON.stringify({ formatVersion: 1, sets: [{ name: "w", target: "/w", files: [{ path: "w.bin", size, sha256: createHash("sha256").update(data).digest("hex"), urls: [url] }] }] }),
  );
  const chunk = String(Math.max(1 << 20, Math.ceil(size / jobs)));
  const single = await run(["--manifest", manifest, "--root", join(dir, "a"), "--jobs", "1", "--chunk-size", String(size)]);
  const parallel = await run(["--manifest", manifest, "--root", join(dir, "b"), "--jobs", String(jobs), "--chunk-size", chunk]);
  const result = { sizeMiB: size >> 20, perConnectionMiBs: rate / (1 << 20), jobs, singleStreamSeconds: single, parallelSeconds: parallel, speedup: single / parallel };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    console.log(`single stream: ${single.toFixed(2)} s, ${jobs} ranged streams: ${parallel.toFixed(2)} s, speed-up ${result.speedup.toFixed(2)}x`);
  }
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
