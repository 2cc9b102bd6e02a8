/**
 * Glob patterns for include/exclude: `*` and `?` stay within one path
 * segment, `**` spans segments, `[abc]` is a class. A pattern without `/`
 * matches the file's base name anywhere (as .gitignore does).
 */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        const slashAfter = pattern[i + 2] === "/";
        re += slashAfter ? "(?:.*/)?" : ".*";
        i += slashAfter ? 2 : 1;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function matcher(pattern: string): (path: string) => boolean {
  const re = globToRegExp(pattern.replace(/^\/+/, ""));
  if (pattern.includes("/")) return (p) => re.test(p);
  return (p) => re.test(p.slice(p.lastIndexOf("/") + 1));
}

/** Keeps paths matching some include (all when none) and no exclude. */
export function selectPaths<T extends { path: string }>(items: readonly T[], include: readonly string[], exclude: readonly string[]): T[] {
  const inc = include.map(matcher);
  const exc = exclude.map(matcher);
  return items.filter((it) => (inc.length === 0 || inc.some((m) => m(it.path))) && !exc.some((m) => m(it.path)));
}
