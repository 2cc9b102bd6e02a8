/** One self-overwriting status line on a terminal; nothing otherwise. */
export class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  static forStderr(json: boolean): ProgressLine {
    return new ProgressLine(!json && process.stderr.isTTY === true);
  }

  update(text: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 150) return;
    this.last = now;
    this.shown = true;
    this.out.write(`\r\x1b[K${text}`);
  }

  done(): void {
    if (this.enabled && this.shown) this.out.write("\n");
    this.shown = false;
  }
}

export function humanBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}
