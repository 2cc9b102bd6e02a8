// Debian's docker-registry (distribution 2.8) for tests: storage in a
// temporary directory, no auth, on a port it picks itself and logs, so no
// other process can take the port between choosing and binding it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll } from "vitest";

export const REGISTRY_BIN = "/usr/bin/docker-registry";

export function haveTool(path: string, args: string[] = ["--version"]): boolean {
  return existsSync(path) && spawnSync(path, args, { stdio: "ignore" }).status === 0;
}

export interface RunningRegistry {
  /** 127.0.0.1:PORT */
  host: string;
  port: number;
  /** Its configuration, log and storage. */
  root: string;
  /** CPU seconds (user and system) the registry process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/PID/stat's times. */
let ticks: number | undefined;

function processCpuSeconds(pid: number): number {
  ticks ??= Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100;
  // Fields after the command name (which may hold spaces): state is the 3rd, utime the 14th, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / ticks;
}

function ping(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/v2/", agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
  });
}

const config = (root: string): string =>
  [
    "version: 0.1",
    "log:",
    // info: the line that names the port it bound.
    "  level: info",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(root, "data")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    "  addr: 127.0.0.1:0",
    "",
  ].join("\n");

/** Starts a registry and waits until /v2/ answers. */
export async function startRegistry(): Promise<RunningRegistry> {
  const root = mkdtempSync(join(tmpdir(), "cognix-registry-"));
  writeFileSync(join(root, "config.yml"), config(root));
  // Logs go to a file, not a pipe: callers block the event loop in
  // execFileSync(skopeo), and a full pipe would stall the registry.
  const logFile = join(root, "registry.log");
  const log = openSync(logFile, "w");
  const child: ChildProcess = spawn(REGISTRY_BIN, ["serve", join(root, "config.yml")], { stdio: ["ignore", log, log] });
  closeSync(log);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  };
  const logText = (): string => readFileSync(logFile, "utf8");
  for (let i = 0; i < 200; i++) {
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(logText())?.[1] ?? 0);
    if (port !== 0 && (await ping(port)) === 200) return { host: `127.0.0.1:${port}`, port, root, cpuSeconds: () => processCpuSeconds(child.pid!), stop };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  const tail = logText().slice(-2000);
  await stop();
  throw new Error(`docker-registry did not start: ${tail}`);
}

/** A registry for the tests of the calling describe block: started before its first test, stopped after its last. */
export function useRegistry(): () => RunningRegistry {
  let running: RunningRegistry | undefined;
  beforeAll(async () => {
    running = await startRegistry();
  });
  afterAll(async () => {
    await running?.stop();
  });
  return () => {
    if (running === undefined) throw new Error("the test registry is used before its describe block started it");
    return running;
  };
}
