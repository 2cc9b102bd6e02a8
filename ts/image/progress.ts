import type { OutStream } from "./io.ts";

/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export class ProgressBar {
  private total = 0;
  private done = 0;
  private label = "";
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly out: OutStream = process.stderr,
    enabled?: boolean,
  ) {
    this.enabled = enabled ?? out.isTTY === true;
  }

  start(total: number, label = ""): void {
    this.total = total;
    this.done = 0;
    this.label = label;
    this.draw(true);
  }

  setLabel(label: string): void {
    this.label = label;
    this.draw(true);
  }

  add(n: number): void {
    this.done += n;
    this.draw(false);
  }

  finish(): void {
    if (!this.enabled) return;
    this.draw(true);
    this.out.write("\n");
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const filled = Math.round(frac * width);
    const bar = `${"#".repeat(filled)}${" ".repeat(width - filled)}`;
    const cols = this.out.columns ?? 100;
    const line = `[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${formatBytes(this.done)}/${formatBytes(this.total)} ${this.label}`;
    this.out.write(`\r${line.slice(0, cols - 1).padEnd(cols - 1)}`);
  }
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}
