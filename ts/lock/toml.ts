import { CognixError } from "../util/errors.ts";

/**
 * A TOML reader for what uv.lock and pyproject.toml use: tables, arrays of
 * tables, dotted and quoted keys, basic/literal (multi-line) strings,
 * integers, floats, booleans, arrays and inline tables. Dates are kept as
 * their text. Errors carry file, line and column.
 */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}


export function parseToml(text: string, file?: string): TomlTable {
  return new Reader(text, file).document();
}

export function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Reader {
  private pos = 0;
  private readonly root: TomlTable = {};
  private readonly arrayTables = new WeakSet<TomlValue[]>();
  /** Inline tables are complete as written: nothing may extend them. */
  private readonly sealed = new WeakSet<TomlTable>();
  /** Tables opened by a [header]: a second header for them is an error. */
  private readonly defined = new WeakSet<TomlTable>();

  constructor(
    private readonly src: string,
    private readonly file?: string,
  ) {}

  document(): TomlTable {
    let current: TomlTable = this.root;
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.src.length) return this.root;
      const c = this.src[this.pos];
      if (c === "[") {
        current = this.header();
      } else {
        this.keyValue(current);
      }
      this.endOfLine();
    }
  }

  private header(): TomlTable {
    const isArray = this.src.startsWith("[[", this.pos);
    this.pos += isArray ? 2 : 1;
    this.skipSpaces();
    const path = this.key();
    this.skipSpaces();
    if (!this.src.startsWith(isArray ? "]]" : "]", this.pos)) this.fail(`expected ${isArray ? "]]" : "]"} after table name`);
    this.pos += isArray ? 2 : 1;

    let table: TomlTable = this.root;
    for (let i = 0; i < path.length - 1; i++) table = this.descend(table, path[i]!, path);
    const last = path[path.length - 1]!;
    if (isArray) {
      let arr = table[last];
      if (arr === undefined) {
        arr = [];
        this.arrayTables.add(arr);
        table[last] = arr;
      } else if (!Array.isArray(arr) || !this.arrayTables.has(arr)) {
        this.fail(`${path.join(".")} is not an array of tables`);
      }
      const t: TomlTable = {};
      arr.push(t);
      return t;
    }
    const existing = table[last];
    if (existing === undefined) {
      const t: TomlTable = {};
      this.defined.add(t);
      table[last] = t;
      return t;
    }
    if (!isTable(existing) || this.sealed.has(existing) || this.defined.has(existing)) {
      this.fail(`table ${path.join(".")} defined twice`);
    }
    this.defined.add(existing);
    return existing;
  }

  /** Walks into `key` for a header or dotted key, through arrays of tables. */
  private descend(table: TomlTable, key: string, path: readonly string[]): TomlTable {
    const v = table[key];
    if (v === undefined) {
      const t: TomlTable = {};
      table[key] = t;
      return t;
    }
    if (Array.isArray(v) && this.arrayTables.has(v)) {
      const lastEl = v[v.length - 1];
      if (isTable(lastEl)) return lastEl;
    }
    if (!isTable(v) || this.sealed.has(v)) this.fail(`${path.join(".")}: ${key} is not a table`);
    return v;
  }

  private keyValue(table: TomlTable): void {
    const path = this.key();
    this.skipSpaces();
    if (this.src[this.pos] !== "=") this.fail("expected = after key");
    this.pos++;
    this.skipSpaces();
    const value = this.value();
    let t = table;
    for (let i = 0; i < path.length - 1; i++) t = this.descend(t, path[i]!, path);
    const last = path[path.length - 1]!;
    if (last in t) this.fail(`key ${path.join(".")} defined twice`);
    t[last] = value;
  }

  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.src[this.pos];
      if (c === '"') parts.push(this.basicString());
      else if (c === "'") parts.push(this.literalString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.src.slice(this.pos, this.pos + 256));
        if (!m) this.fail("expected a key");
        parts.push(m[0]);
        this.pos += m[0].length;
      }
      this.skipSpaces();
      if (this.src[this.pos] !== ".") return parts;
      this.pos++;
    }
  }

  private value(): TomlValue {
    const c = this.src[this.pos];
    if (c === '"') return this.src.startsWith('"""', this.pos) ? this.multilineBasic() : this.basicString();
    if (c === "'") return this.src.startsWith("'''", this.pos) ? this.multilineLiteral() : this.literalString();
    if (c === "[") return this.array();
    if (c === "{") return this.inlineTable();
    const rest = this.src.slice(this.pos, this.pos + 128);
    const word = /^(true|false)(?![A-Za-z0-9_-])/.exec(rest);
    if (word) {
      this.pos += word[0].length;
      return word[1] === "true";
    }
    const date = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}:\d{2})?/.exec(rest);
    if (date) {
      this.pos += date[0].length;
      return date[0];
    }
    const num = /^[+-]?(0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|inf|nan|\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d[\d_]*)?)/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      const t = num[0].replace(/_/g, "");
      if (/inf$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
      if (/nan$/.test(t)) return NaN;
      if (/^[+-]?0[xob]/.test(t)) {
        const sign = t.startsWith("-") ? -1 : 1;
        return sign * Number(t.replace(/^[+-]/, ""));
      }
      return Number(t);
    }
    this.fail("expected a value");
  }

  private array(): TomlValue[] {
    this.pos++;
    const out: TomlValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.src[this.pos] === "]") {
        this.pos++;
        return out;
      }
      out.push(this.value());
      this.skipBlank();
      if (this.src[this.pos] === ",") {
        this.pos++;
        continue;
      }
      if (this.src[this.pos] === "]") {
        this.pos++;
        return out;
      }
      this.fail("expected , or ] in array");
    }
  }

  private inlineTable(): TomlTable {
    this.pos++;
    const t: TomlTable = {};
    this.skipSpaces();
    if (this.src[this.pos] === "}") {
      this.pos++;
      this.sealed.add(t);
      return t;
    }
    for (;;) {
      this.skipSpaces();
      this.keyValue(t);
      this.skipSpaces();
      const c = this.src[this.pos];
      this.pos++;
      if (c === "}") break;
      if (c !== ",") this.fail("expected , or } in inline table");
    }
    this.sealed.add(t);
    return t;
  }

  private basicString(): string {
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || c === "\n") this.fail("unterminated string");
      this.pos++;
      if (c === '"') return out;
      out += c === "\\" ? this.escape() : c;
    }
  }

  private multilineBasic(): string {
    this.pos += 3;
    if (this.src[this.pos] === "\r") this.pos++;
    if (this.src[this.pos] === "\n") this.pos++;
    let out = "";
    for (;;) {
      if (this.pos >= this.src.length) this.fail("unterminated string");
      if (this.src.startsWith('"""', this.pos)) {
        // Up to two quotes may end the content right before the delimiter.
        let extra = 0;
        while (extra < 2 && this.src[this.pos + 3 + extra] === '"') extra++;
        out += '"'.repeat(extra);
        this.pos += 3 + extra;
        return out;
      }
      const c = this.src[this.pos++]!;
      if (c === "\\") {
        const m = /^[ \t]*\r?\n[\s]*/.exec(this.src.slice(this.pos));
        if (m) {
          this.pos += m[0].length;
          continue;
        }
        out += this.escape();
      } else out += c;
    }
  }

  private literalString(): string {
    this.pos++;
    const end = this.src.indexOf("'", this.pos);
    const nl = this.src.indexOf("\n", this.pos);
    if (end < 0 || (nl >= 0 && nl < end)) this.fail("unterminated string");
    const out = this.src.slice(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  private multilineLiteral(): string {
    this.pos += 3;
    if (this.src[this.pos] === "\r") this.pos++;
    if (this.src[this.pos] === "\n") this.pos++;
    const end = this.src.indexOf("'''", this.pos);
    if (end < 0) this.fail("unterminated string");
    let extra = 0;
    while (extra < 2 && this.src[end + 3 + extra] === "'") extra++;
    const out = this.src.slice(this.pos, end + extra);
    this.pos = end + 3 + extra;
    return out;
  }

  private escape(): string {
    const c = this.src[this.pos++];
    switch (c) {
      case "b":
        return "\b";
      case "t":
        return "\t";
      case "n":
        return "\n";
      case "f":
        return "\f";
      case "r":
        return "\r";
      case "e":
        return "\x1b";
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "u":
      case "U": {
        const len = c === "u" ? 4 : 8;
        const hex = this.src.slice(this.pos, this.pos + len);
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) this.fail("bad unicode escape");
        this.pos += len;
        return String.fromCodePoint(parseInt(hex, 16));
      }
      default:
        this.pos--;
        this.fail(`bad escape \\${c ?? ""}`);
    }
  }

  private skipSpaces(): void {
    while (this.src[this.pos] === " " || this.src[this.pos] === "\t") this.pos++;
  }

  /** Whitespace, newlines and comments. */
  private skipBlank(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") this.pos++;
      else if (c === "#") {
        const nl = this.src.indexOf("\n", this.pos);
        this.pos = nl < 0 ? this.src.length : nl;
      } else return;
    }
  }

  private endOfLine(): void {
    this.skipSpaces();
    const c = this.src[this.pos];
    if (c === "#") {
      const nl = this.src.indexOf("\n", this.pos);
      this.pos = nl < 0 ? this.src.length : nl;
      return;
    }
    if (c === undefined || c === "\n" || c === "\r") return;
    this.fail("expected end of line");
  }

  private fail(message: string): never {
    const before = this.src.slice(0, this.pos);
    const line = before.split("\n").length;
    const column = this.pos - before.lastIndexOf("\n");
    throw new CognixError({ file: this.file, line, column, message: `TOML: ${message}` });
  }
}
