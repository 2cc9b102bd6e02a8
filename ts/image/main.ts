import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { USAGE } from "./usage.ts";
import type { Io } from "./io.ts";

/** `cognix image …`: returns the exit code; user errors print one line each, no stack. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? io.stderr : io.stdout).write(USAGE);
    return name === undefined ? 2 : 0;
  }
  // The commands (and the registry, compression and SBOM code they use) load only to run one.
  const { COMMANDS } = await import("./commands.ts");
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`cognix image: unknown command ${JSON.stringify(name)}\n${USAGE}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(USAGE);
    return 0;
  }
  // With --json, errors are also a JSON document on stdout: {"ok": false, "errors": [...]}.
  const json = rest.includes("--json");
  const fail = (lines: readonly string[]): void => {
    if (json) io.stdout.write(canonicalJson({ ok: false, errors: lines }));
    io.stderr.write(lines.map((line) => `cognix image ${name}: ${line}\n`).join(""));
  };
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof CognixError) {
      fail(err.message.split("\n"));
      return err.exitCode;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EPIPE") return 1;
    fail([e.message ?? String(err)]);
    if (process.env["COGNIX_DEBUG"]) io.stderr.write(`${e.stack ?? ""}\n`);
    return 1;
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`cognix image: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
