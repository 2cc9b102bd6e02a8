// `cognix load` when the engine gives up before reading the whole image.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capture, cognix, fakeTool, isolatedPath, tempDir } from "./helpers.ts";

const dir = tempDir("load");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cognix load", () => {
  it("reports an engine that exits early (no daemon) instead of waiting on the image forever", async () => {
    const bin = join(dir, "bin");
    // An endless archive: only stopping the image tool ends it.
    const result = fakeTool(join(dir, "built"), "result", '[ "$1" = load ] || exit 64\nexec cat /dev/zero');
    fakeTool(bin, "docker", 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1');
    const c = capture(dir, { ...process.env, PATH: isolatedPath(dir, bin) });
    expect(await cognix(["load", result, "--json"], c.ctx)).toBe(1);
    expect(c.err()).toMatch(/^error: docker load failed \(exit 1\): Cannot connect to the Docker daemon/);
    expect(JSON.parse(c.out())).toMatchObject({ ok: false });
  }, 20_000);
});
