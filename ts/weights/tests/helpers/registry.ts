import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Registry {
  host: string;
  stop: () => Promise<void>;
}

export function hasRegistry(): boolean {
  return spawnSync("docker-registry", ["--version"], { stdio: "ignore" }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** docker-registry (distribution) on a free loopback port, storing in a temp dir. */
export async function startRegistry(): Promise<Registry> {
  for (let attempt = 0; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), "cognix-registry-"));
    const port = await freePort();
    const config = join(dir, "config.yml");
    writeFileSync(
      config,
      [
        "version: 0.1",
        "log:",
        "  level: error",
        "storage:",
        "  filesystem:",
        `    rootdirectory: ${join(dir, "data")}`,
        "http:",
        `  addr: 127.0.0.1:${port}`,
        "",
      ].join("\n"),
    );
    const child = spawn("docker-registry", ["serve", config], { stdio: "ignore" });
    const host = `127.0.0.1:${port}`;
    const stop = (): Promise<void> =>
      new Promise((resolve) => {
        const done = (): void => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      });
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) break;
      try {
        const res = await fetch(`http://${host}/v2/`);
        if (res.status === 200) return { host, stop };
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    if (attempt >= 2) throw new Error("docker-registry did not start");
  }
}
