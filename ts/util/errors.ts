/** Where a problem is, as precisely as it is known. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
  /** Key path inside the document, e.g. ["build", "python_packages", 3]. */
  path?: readonly (string | number)[];
}

export interface Problem extends Location {
  message: string;
}

/** Renders a key path the way users write it: build.python_packages[3]. */
export function formatKeyPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

/** `file:line:column: key: message`, leaving out what is unknown. */
export function formatProblem(p: Problem): string {
  let where = p.file ?? "";
  if (p.file !== undefined && p.line !== undefined) {
    where += `:${p.line}`;
    if (p.column !== undefined) where += `:${p.column}`;
  }
  const key = p.path && p.path.length > 0 ? formatKeyPath(p.path) : "";
  return [where, key, p.message].filter((s) => s !== "").join(": ");
}

/**
 * An error the user can fix. The CLI prints its problems (one line each) and
 * exits with `exitCode`, never a stack trace.
 */
export class CognixError extends Error {
  readonly problems: readonly Problem[];
  readonly exitCode: number;

  constructor(problems: Problem | readonly Problem[], exitCode = 1) {
    const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    super(list.map(formatProblem).join("\n"));
    this.name = "CognixError";
    this.problems = list;
    this.exitCode = exitCode;
  }
}
