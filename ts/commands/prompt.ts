import type { Readable, Writable } from "node:stream";

type Input = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** Everything on `stdin`, without the line end a shell adds. */
export async function readAllInput(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

/** One line typed at a terminal after `question`; hidden (not echoed) when asked. */
export function promptLine(stdin: Input, out: Writable, question: string, hidden: boolean): Promise<string> {
  out.write(question);
  return new Promise((resolveLine, reject) => {
    let line = "";
    const raw = hidden && typeof stdin.setRawMode === "function";
    if (raw) stdin.setRawMode?.(true);
    const finish = (value: string | Error): void => {
      stdin.off("data", onData);
      if (raw) stdin.setRawMode?.(false);
      stdin.pause();
      if (hidden) out.write("\n");
      if (value instanceof Error) reject(value);
      else resolveLine(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === "\r" || ch === "\n") return finish(line);
        if (ch === "\u0003") return finish(new Error("interrupted"));
        if (ch === "\u007f" || ch === "\b") line = line.slice(0, -1);
        else line += ch;
      }
    };
    stdin.on("data", onData);
    stdin.resume();
  });
}
