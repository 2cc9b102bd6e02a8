import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Measured {
  seconds: number;
  /** User and system CPU seconds of the process and its threads. */
  cpuSeconds: number;
  maxRssMiB: number;
  stdout: string;
}

/**
 * Runs a command to completion under /usr/bin/time: wall time, CPU time and
 * the peak resident memory of the process (all its threads). stdout goes to
 * /dev/null unless `keepStdout`.
 */
export function measure(cmd: string, args: string[], opts: { cwd?: string; keepStdout?: boolean } = {}): Measured {
  const rssFile = join(tmpdir(), `cognix-bench-rss-${process.pid}`);
  const devNull = openSync("/dev/null", "w");
  try {
    const start = process.hrtime.bigint();
    const r = spawnSync("/usr/bin/time", ["-f", "%M %U %S", "-o", rssFile, cmd, ...args], {
      cwd: opts.cwd,
      stdio: ["ignore", opts.keepStdout === true ? "pipe" : devNull, "pipe"],
      maxBuffer: 1 << 26,
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr.toString().slice(-2000)}`);
    const [kib, user, sys] = (readFileSync(rssFile, "utf8").trim().split("\n").pop() ?? "").split(" ").map(Number);
    return { seconds, cpuSeconds: user! + sys!, maxRssMiB: kib! / 1024, stdout: r.stdout?.toString() ?? "" };
  } finally {
    closeSync(devNull);
    rmSync(rssFile, { force: true });
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
