import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { CognixError } from "../util/errors.ts";
import { freePort } from "../util/free-port.ts";

/**
 * Runs an OCI image without a container engine: unpacked with umoci, its
 * entrypoint started as root under `chroot` in private mount and pid
 * namespaces (`unshare`), with /proc, /dev, /etc/hosts and /etc/resolv.conf
 * provided as a container runtime provides them. The host's network is
 * shared, so the image's server answers on 127.0.0.1:PORT.
 */
export interface ChrootImage {
  /** http://127.0.0.1:PORT */
  base: string;
  port: number;
  /** The unpacked root filesystem. */
  rootfs: string;
  /** What the process printed so far (stdout and stderr). */
  logs(): string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number>;
  /** Stops the process and removes the unpacked image. */
  stop(): Promise<void>;
}

export interface ChrootOptions {
  /** An OCI layout directory and the tag in it. */
  ociDir: string;
  tag: string;
  /** A new directory for the unpacked bundle (removed by stop()). */
  bundleDir: string;
  /** Added to (and overriding) the image's environment. */
  env?: Record<string, string>;
  /** Replaces the image's command (entrypoint + cmd) when given. */
  args?: readonly string[];
  /** Added after the command, e.g. the Cog server's `--host`. */
  appendArgs?: readonly string[];
  /** Called with what the process prints, as it prints it. */
  onOutput?: (chunk: string) => void;
  port?: number;
  /** Host directories bind-mounted into the image (read-only), as `docker run -v`. */
  volumes?: readonly { host: string; container: string }[];
}

interface RuntimeConfig {
  process: { args: string[]; env?: string[]; cwd?: string };
}

/** What running an image this way needs that this machine lacks (empty: all there). */
export function chrootMissing(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push("root (chroot and mount namespaces)");
  for (const tool of ["umoci", "unshare", "chroot", "mount"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status !== 0) missing.push(tool);
  }
  return missing;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Mount points a container runtime fills, created in the unpacked rootfs. */
function prepareRootfs(rootfs: string): void {
  for (const d of ["proc", "dev", "etc"]) mkdirSync(join(rootfs, d), { recursive: true });
  for (const f of ["etc/hosts", "etc/resolv.conf"]) {
    const p = join(rootfs, f);
    if (!existsSync(p)) closeSync(openSync(p, "w"));
  }
}

/** True when something is still mounted at or below `dir` (then it must not be deleted). */
function hasMountsUnder(dir: string): boolean {
  const mounts = readFileSync("/proc/self/mounts", "utf8").split("\n");
  return mounts.some((line) => {
    const point = (line.split(" ")[1] ?? "").replace(/\\040/g, " ");
    return point === dir || point.startsWith(`${dir}/`);
  });
}

export async function startChroot(opts: ChrootOptions): Promise<ChrootImage> {
  const missing = chrootMissing();
  if (missing.length > 0) throw new CognixError({ message: `running an image without docker needs ${missing.join(", ")}` });
  const bundle = resolve(opts.bundleDir);
  const unpack = spawnSync("umoci", ["unpack", "--image", `${opts.ociDir}:${opts.tag}`, bundle], { encoding: "utf8" });
  if (unpack.status !== 0) throw new CognixError({ message: `umoci unpack ${opts.ociDir}:${opts.tag} failed: ${unpack.stderr.trim()}` });
  const config = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as RuntimeConfig;
  const rootfs = join(bundle, "rootfs");
  prepareRootfs(rootfs);

  const port = opts.port ?? (await freePort());
  const env: Record<string, string> = {};
  for (const entry of config.process.env ?? []) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  Object.assign(env, { PORT: String(port) }, opts.env ?? {});
  const args = [...(opts.args ?? config.process.args), ...(opts.appendArgs ?? [])];
  const mounts = [
    `/bin/mount -t proc proc ${quote(join(rootfs, "proc"))}`,
    `/bin/mount --rbind /dev ${quote(join(rootfs, "dev"))}`,
    `/bin/mount --bind /etc/hosts ${quote(join(rootfs, "etc/hosts"))}`,
    `/bin/mount --bind /etc/resolv.conf ${quote(join(rootfs, "etc/resolv.conf"))}`,
    ...(opts.volumes ?? []).map((v) => {
      const target = join(rootfs, v.container);
      mkdirSync(target, { recursive: true });
      return `/bin/mount --bind -o ro ${quote(resolve(v.host))} ${quote(target)}`;
    }),
  ].join(" && ");
  // The inner unshare only changes root and directory (no new namespace);
  // it finds the command on the image's PATH.
  const script = `${mounts} && exec /usr/bin/unshare --root=${quote(rootfs)} --wd=${quote(config.process.cwd ?? "/")} -- "$@"`;
  const child: ChildProcess = spawn(
    "/usr/bin/unshare",
    ["--mount", "--pid", "--fork", "--kill-child", "--", "/bin/sh", "-c", script, "sh", ...args],
    // Host tools are called by absolute path: PATH is the image's.
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const collect = (d: Buffer): void => {
    output += d.toString();
    opts.onOutput?.(d.toString());
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number>((done) => child.on("close", (code, signal) => done(code ?? (signal !== null ? 128 : 1))));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // unshare ignores SIGTERM while it waits; its death takes the
      // namespace's first process (--kill-child) and so all of them.
      child.kill("SIGKILL");
      await exited;
    }
    // The namespace's mounts go with its last process; never delete through one.
    if (hasMountsUnder(bundle)) throw new Error(`${bundle} still has mounts; not removing it`);
    rmSync(bundle, { recursive: true, force: true });
  };
  return { base: `http://127.0.0.1:${port}`, port, rootfs, logs: () => output, exited, stop };
}
