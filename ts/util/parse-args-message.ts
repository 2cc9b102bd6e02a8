/**
 * Node's parseArgs errors, in the words the commands use: "unknown option
 * --x" and "unexpected argument y" instead of its advice about `--`.
 */
export function parseArgsMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const positional = /^Unexpected argument '([^']*)'/.exec(message);
  if (positional) return `unexpected argument ${positional[1]}`;
  return message;
}
