import type { Writable } from "node:stream";

/**
 * Progress output shared by the image, registry and weights commands: drawn
 * only on a terminal, silent otherwise. Byte counts are formatted here too.
 */

/** A stream that may be a terminal; `isTTY` and `columns` are read when present. */
export type ProgressStream = Writable & { isTTY?: boolean; columns?: number };

export function isTerminal(out: ProgressStream): boolean {
  return out.isTTY === true;
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `2.0 GiB`. */
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

/** Share of `total` that is `done`, between 0 and 1. */
export function fraction(done: number, total: number): number {
  return total > 0 ? Math.min(1, done / total) : 0;
}

/** The cells of a bar `width` wide, `#` for the done part and `empty` for the rest. */
export function barCells(done: number, total: number, width: number, empty: string): string {
  const filled = Math.round(fraction(done, total) * width);
  return `${"#".repeat(filled)}${empty.repeat(width - filled)}`;
}

/** Lets a redraw through at most once per interval, unless forced. */
export class Throttle {
  private last = 0;
  constructor(private readonly intervalMs: number) {}

  ready(force = false): boolean {
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }
}

/** A one-line progress bar with byte counts, redrawn in place. */
export class ProgressBar {
  private total = 0;
  private done = 0;
  private label = "";
  private readonly throttle = new Throttle(100);
  private readonly enabled: boolean;

  constructor(
    private readonly out: ProgressStream = process.stderr,
    enabled?: boolean,
  ) {
    this.enabled = enabled ?? isTerminal(out);
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
    if (!this.enabled || !this.throttle.ready(force)) return;
    const pct = (fraction(this.done, this.total) * 100).toFixed(0).padStart(3);
    const cols = this.out.columns ?? 100;
    const line = `[${barCells(this.done, this.total, 30, " ")}] ${pct}% ${formatBytes(this.done)}/${formatBytes(this.total)} ${this.label}`;
    this.out.write(`\r${line.slice(0, cols - 1).padEnd(cols - 1)}`);
  }
}

/** One self-overwriting status line. */
export class ProgressLine {
  private readonly throttle = new Throttle(150);
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly out: ProgressStream = process.stderr,
  ) {}

  /** On stderr when it is a terminal and output is not JSON. */
  static forStderr(json: boolean): ProgressLine {
    return new ProgressLine(!json && isTerminal(process.stderr));
  }

  update(text: string, force = false): void {
    if (!this.enabled || !this.throttle.ready(force)) return;
    this.shown = true;
    this.out.write(`\r\x1b[K${text}`);
  }

  done(): void {
    if (this.enabled && this.shown) this.out.write("\n");
    this.shown = false;
  }
}

/** Progress of several named items, each with a state and optional byte counts. */
export interface Progress {
  update(id: string, state: string, done?: number, total?: number): void;
  note(message: string): void;
  finish(): void;
}

export const silentProgress: Progress = {
  update() {},
  note() {},
  finish() {},
};

/** States after which a blob needs no more lines. */
export const FINAL = new Set(["exists", "pushed", "mounted"]);

interface Line {
  state: string;
  done?: number;
  total?: number;
}

/** One line per active blob, redrawn in place at most every 100 ms; stream is normally process.stderr. */
export class TtyProgress implements Progress {
  private readonly lines = new Map<string, Line>();
  private drawn = 0;
  private readonly throttle = new Throttle(100);
  constructor(private readonly out: ProgressStream) {}

  update(id: string, state: string, done?: number, total?: number): void {
    const line: Line = { state };
    if (done !== undefined) line.done = done;
    if (total !== undefined) line.total = total;
    this.lines.set(id, line);
    if (this.throttle.ready(done === undefined)) this.draw();
  }

  note(message: string): void {
    this.clear();
    this.out.write(`${message}\n`);
    this.draw();
  }

  finish(): void {
    this.draw();
    this.drawn = 0;
  }

  private clear(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }

  /** Finished blobs collapse into one summary line so 100 layers stay readable. */
  private draw(): void {
    this.clear();
    const width = Math.max(40, (this.out.columns ?? 80) - 1);
    let finished = 0;
    let count = 0;
    for (const [id, l] of this.lines) {
      if (FINAL.has(l.state)) {
        finished++;
        continue;
      }
      const detail =
        l.done !== undefined && l.total !== undefined
          ? ` [${barCells(l.done, l.total, 20, ".")}] ${formatBytes(l.done)}/${formatBytes(l.total)}`
          : "";
      this.out.write(`${`${id} ${l.state}${detail}`.slice(0, width)}\n`);
      count++;
    }
    this.out.write(`${finished}/${this.lines.size} blobs done\n`);
    this.drawn = count + 1;
  }
}
