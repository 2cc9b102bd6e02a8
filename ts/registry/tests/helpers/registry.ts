import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REGISTRY_BIN = "/usr/bin/docker-registry";

export function haveTool(path: string, args: string[] = ["--version"]): boolean {
  return existsSync(path) && spawnSync(path, args, { stdio: "ignore" }).status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningRegistry {
  host: string;
  port: number;
  root: string;
  stop(): Promise<void>;
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

/** Debian's docker-registry (distribution 2.8) on 127.0.0.1, storage in a temp dir, no auth. */
export async function startRegistry(): Promise<RunningRegistry> {
  const root = mkdtempSync(join(tmpdir(), "cognix-registry-"));
  const port = await freePort();
  const config = join(root, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "  accesslog:",
      "    disabled: true",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(root, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "",
    ].join("\n"),
  );
  // Logs go to a file, not a pipe: callers block the event loop in execFileSync(skopeo)
  // and a full pipe would stall the registry.
  const logFile = join(root, "registry.log");
  const log = openSync(logFile, "w");
  const child: ChildProcess = spawn(REGISTRY_BIN, ["serve", config], { stdio: ["ignore", log, log] });
  closeSync(log);
  const logText = (): string => readFileSync(logFile, "utf8").slice(-2000);
  for (let i = 0; i < 100; i++) {
    if ((await ping(port)) === 200) break;
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${logText()}`);
    await new Promise((r) => setTimeout(r, 50));
    if (i === 99) throw new Error(`docker-registry did not start on ${port}: ${logText()}`);
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    root,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
