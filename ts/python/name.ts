/** A project name as PEP 503 compares it: lowercase, each run of `-`, `_` and `.` one `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}
