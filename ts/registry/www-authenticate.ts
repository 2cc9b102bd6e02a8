/** A parsed `WWW-Authenticate` challenge. */
export interface Challenge {
  scheme: "bearer" | "basic";
  params: Record<string, string>;
}

/**
 * Parses the first Bearer or Basic challenge of a header such as
 * `Bearer realm="https://auth/token",service="reg",scope="repository:a:pull"`.
 * Quoted values may contain commas and backslash escapes.
 */
export function parseChallenge(value: string): Challenge | undefined {
  const re = /([A-Za-z][A-Za-z0-9_-]*)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*)))?\s*,?\s*/gy;
  let scheme: Challenge["scheme"] | undefined;
  let params: Record<string, string> = {};
  let found: Challenge | undefined;
  let pos = 0;
  const text = value.trim();
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null || m[0] === "") break;
    pos = re.lastIndex;
    const key = m[1] ?? "";
    const quoted = m[2];
    const bare = m[3];
    if (quoted === undefined && bare === undefined) {
      // A token without "=" starts a new challenge; a following word may be its first parameter.
      if (scheme !== undefined) break;
      const s = key.toLowerCase();
      if (s === "bearer" || s === "basic") scheme = s;
      else params = {};
      // Parameters follow the scheme after whitespace, so the next match reads them.
      continue;
    }
    if (scheme !== undefined) {
      params[key.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (bare ?? "");
    }
  }
  if (scheme !== undefined) found = { scheme, params };
  return found;
}
