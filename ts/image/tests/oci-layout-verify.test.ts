import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain, tempDir } from "./helpers.ts";

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

/** `image oci DIR` into a layout that already has blobs: a blob is kept only when its bytes match its name. */
describe("cognix image oci into an existing layout", () => {
  const tmp = tempDir("oci-verify");
  const lib = join(tmp.dir, "store", "aaa-lib-1.0");
  const graphFile = join(tmp.dir, "graph.json");
  const configFile = join(tmp.dir, "config.json");
  const spec = join(tmp.dir, "spec.json");
  const layout = join(tmp.dir, "layout");

  beforeAll(async () => {
    mkdirSync(join(lib, "lib"), { recursive: true });
    writeFileSync(join(lib, "lib", "libx.so"), "x".repeat(5000));
    writeFileSync(graphFile, JSON.stringify({ closure: [{ path: lib, narSize: 5200, references: [] }] }));
    writeFileSync(configFile, JSON.stringify({ Cmd: ["/bin/true"] }));
    expect((await runMain(["build-spec", "--graph", graphFile, "--config", configFile, "--out", spec])).code).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  it("rewrites a blob whose size is right but whose bytes are not", async () => {
    expect((await runMain(["oci", "--spec", spec, layout])).code).toBe(0);
    const blobs = join(layout, "blobs", "sha256");
    const names = readdirSync(blobs);
    const largest = names.map((n) => ({ n, size: readFileSync(join(blobs, n)).length })).sort((a, b) => b.size - a.size)[0]!.n;
    const good = readFileSync(join(blobs, largest));
    const bad = Buffer.from(good);
    bad[bad.length >> 1] = (bad[bad.length >> 1] ?? 0) ^ 0xff;
    writeFileSync(join(blobs, largest), bad);

    const again = await runMain(["oci", "--spec", spec, layout]);
    expect(again.code).toBe(0);
    for (const n of readdirSync(blobs)) expect(sha(readFileSync(join(blobs, n)))).toBe(n);
    expect(readFileSync(join(blobs, largest)).equals(good)).toBe(true);
  });
});
