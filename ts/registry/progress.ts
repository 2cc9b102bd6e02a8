/** Per-blob progress lines, redrawn in place on a terminal; silent elsewhere. */
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

function human(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

function bar(done: number, total: number, width = 20): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(frac * width);
  return `[${"#".repeat(full)}${".".repeat(width - full)}] ${human(done)}/${human(total)}`;
}

interface Line {
  state: string;
  done?: number;
  total?: number;
}

/** Redraws at most every 100 ms; stream is normally process.stderr. */
export class TtyProgress implements Progress {
  private readonly lines = new Map<string, Line>();
  private drawn = 0;
  private last = 0;
  constructor(private readonly out: NodeJS.WriteStream) {}

  update(id: string, state: string, done?: number, total?: number): void {
    const line: Line = { state };
    if (done !== undefined) line.done = done;
    if (total !== undefined) line.total = total;
    this.lines.set(id, line);
    const now = Date.now();
    if (done === undefined || now - this.last >= 100) {
      this.last = now;
      this.draw();
    }
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
      const detail = l.done !== undefined && l.total !== undefined ? ` ${bar(l.done, l.total)}` : "";
      this.out.write(`${`${id} ${l.state}${detail}`.slice(0, width)}\n`);
      count++;
    }
    this.out.write(`${finished}/${this.lines.size} blobs done\n`);
    this.drawn = count + 1;
  }
}
