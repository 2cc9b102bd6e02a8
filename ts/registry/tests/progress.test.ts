import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { TtyProgress } from "../../util/progress.ts";

function tty() {
  const s = Object.assign(new PassThrough(), { isTTY: true, columns: 60 });
  const chunks: Buffer[] = [];
  s.on("data", (c: Buffer) => chunks.push(c));
  return { stream: s as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString() };
}

describe("TtyProgress", () => {
  it("shows active blobs with a bar and folds finished ones into a count", () => {
    const t = tty();
    const p = new TtyProgress(t.stream);
    p.update("layer 1/2", "checking");
    p.update("layer 2/2", "uploading", 512, 2048);
    p.update("layer 1/2", "exists");
    p.finish();
    const out = t.text();
    const lastFrame = out.slice(out.lastIndexOf("\x1b[J") + 3);
    expect(lastFrame).toBe("layer 2/2 uploading [#####...............] 512 B/2.0 KiB\n1/2 blobs done\n");
    // Each redraw first moves up over the lines it drew before.
    expect(out).toContain("\x1b[2A\x1b[J");
  });

  it("prints notes above the live lines", () => {
    const t = tty();
    const p = new TtyProgress(t.stream);
    p.update("config", "checking");
    p.note("retrying HEAD /v2/x (attempt 2)");
    expect(t.text()).toContain("retrying HEAD /v2/x (attempt 2)\nconfig checking\n0/1 blobs done\n");
  });
});
