/**
 * JSON the way Go's encoding/json writes it: struct fields in declaration
 * order, no spaces, and HTML-safe string escaping (<, >, & and U+2028/9 as
 * \u escapes, invalid UTF-16 replaced by U+FFFD).
 */
export type GoValue = string | number | boolean | null | GoValue[] | GoObject;
/** Ordered fields; insertion order is the output order. */
export type GoObject = { readonly fields: readonly (readonly [string, GoValue])[] };

export function goObject(fields: readonly (readonly [string, GoValue | undefined])[]): GoObject {
  return { fields: fields.filter((f): f is readonly [string, GoValue] => f[1] !== undefined) };
}

const SHORT: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

export function goString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (SHORT[ch] !== undefined) out += SHORT[ch];
    else if (code < 0x20 || ch === "<" || ch === ">" || ch === "&" || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += ch + s[i + 1]!;
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) out += "\ufffd";
    else out += ch;
  }
  return `${out}"`;
}

export function goJson(value: GoValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return goString(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  return `{${value.fields.map(([k, v]) => `${goString(k)}:${goJson(v)}`).join(",")}}`;
}
