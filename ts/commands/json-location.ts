/** Line and column (1-based) of character `index` in `text`. */
export function lineColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, index));
  const line = before.split("\n").length;
  return { line, column: index - before.lastIndexOf("\n") };
}

/** Where JSON.parse stopped, read from its message ("... at position N"), or undefined. */
export function jsonErrorIndex(err: unknown): number | undefined {
  const m = /position (\d+)/.exec((err as Error).message ?? "");
  return m === null ? undefined : Number(m[1]);
}
