/** PEP 440 version specifiers: the clauses after a name in a requirement. */
export type Operator = "===" | "==" | "!=" | "~=" | "<=" | ">=" | "<" | ">";

export interface Specifier {
  op: Operator;
  /** As written, local part and wildcard kept ("2.1.0+cu118", "2.1.*"). */
  version: string;
}

const CLAUSE = /^(===|==|!=|~=|<=|>=|<|>)\s*([^\s,;()<>=!~][^\s,;()]*)$/;

/**
 * Reads a specifier set (`>=1.0, <2`, `(>=1.0)`, or nothing); null when a
 * clause is not an operator followed by a version.
 */
export function parseSpecifiers(text: string): Specifier[] | null {
  let inner = text.trim();
  if (inner.startsWith("(") && inner.endsWith(")")) inner = inner.slice(1, -1).trim();
  if (inner === "") return [];
  const out: Specifier[] = [];
  for (const clause of inner.split(",")) {
    const m = CLAUSE.exec(clause.trim());
    if (m === null) return null;
    out.push({ op: m[1] as Operator, version: m[2]! });
  }
  return out;
}

/** The canonical text of a specifier set: clauses without spaces, sorted, comma-joined. */
export function formatSpecifiers(specifiers: readonly Specifier[]): string {
  return specifiers
    .map((s) => `${s.op}${s.version}`)
    .sort()
    .join(",");
}
