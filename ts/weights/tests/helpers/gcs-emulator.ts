import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../../../util/free-port.ts";

export interface GcsEmulator {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  /** 127.0.0.1:PORT, as STORAGE_EMULATOR_HOST is usually given. */
  host: string;
  createBucket(name: string): Promise<void>;
  /** Uploads an object through the emulator's own resumable API, with custom metadata when given. */
  put(bucket: string, name: string, bytes: Buffer, metadata?: Record<string, string>): Promise<void>;
  /** The request lines the emulator logged so far ("GET /path HTTP/1.1" 200). */
  log(): string;
  stop(): Promise<void>;
}

/** gcp-storage-emulator (Python, Cloud Storage's JSON API) if it is on PATH. */
export function hasGcsEmulator(): boolean {
  return spawnSync("gcp-storage-emulator", ["--help"], { stdio: "ignore" }).status === 0;
}

async function check(res: Response, what: string): Promise<void> {
  if (!res.ok) throw new Error(`gcp-storage-emulator ${what}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
}

/** Waits for `GET /` to answer OK; false when the process ended first (its port was taken). */
async function ready(child: ChildProcess, endpoint: string): Promise<boolean> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      if ((await (await fetch(`${endpoint}/`)).text()) === "OK") return true;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error("gcp-storage-emulator did not answer within 30 s");
}

/**
 * Starts gcp-storage-emulator in memory on a free loopback port (it cannot
 * report a port it chose itself, so one is picked and retried if taken).
 */
export async function startGcsEmulator(): Promise<GcsEmulator> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const endpoint = `http://${host}`;
    const child = spawn("gcp-storage-emulator", ["start", "--host", "127.0.0.1", "--port", String(port), "--in-memory"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    const stop = (): Promise<void> =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    let up: boolean;
    try {
      up = await ready(child, endpoint);
    } catch (err) {
      await stop();
      throw new Error(`${(err as Error).message}: ${output}`);
    }
    if (!up) {
      if (attempt < 3) continue;
      throw new Error(`gcp-storage-emulator exited: ${output}`);
    }
    return {
      endpoint,
      host,
      async createBucket(name) {
        const res = await fetch(`${endpoint}/storage/v1/b?project=cognix-tests`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name }),
        });
        await check(res, `create bucket ${name}`);
      },
      async put(bucket, name, bytes, metadata) {
        const start = await fetch(`${endpoint}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=${encodeURIComponent(name)}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(metadata === undefined ? {} : { metadata }),
        });
        await check(start, `start upload of ${name}`);
        const session = start.headers.get("location");
        if (session === null) throw new Error(`gcp-storage-emulator gave no session URL for ${name}`);
        const range = bytes.length === 0 ? "bytes */0" : `bytes 0-${bytes.length - 1}/${bytes.length}`;
        await check(await fetch(session, { method: "PUT", headers: { "content-range": range }, body: new Uint8Array(bytes) }), `upload of ${name}`);
      },
      log: () => output,
      stop,
    };
  }
}
