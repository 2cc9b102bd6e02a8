/** Small, deterministic TOML emitters for the pyproject.toml cognix writes. */

/** A TOML basic string: quotes, backslashes and control characters escaped. */
export function tomlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A bare key when TOML allows one, else a quoted key. */
export function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k);
}

/** An array of strings, one per line (empty arrays stay on one line). */
export function tomlStringArray(items: readonly string[]): string {
  if (items.length === 0) return "[]";
  return `[\n${items.map((i) => `  ${tomlString(i)},\n`).join("")}]`;
}
