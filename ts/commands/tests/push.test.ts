// `cognix push --json` prints one JSON document on stdout, also when the push fails.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capture, cognix, fakeTool, tempDir } from "./helpers.ts";

const dir = tempDir("push");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cognix push --json", () => {
  it("reports a failed push whose tool printed no JSON as {errors, ok: false}", async () => {
    const result = fakeTool(join(dir, "a"), "result", 'echo "cognix image push: registry 127.0.0.1:1 is unreachable (connection refused)" >&2; exit 1');
    const c = capture(dir);
    expect(await cognix(["push", "127.0.0.1:1/m:t", "--insecure", "--json", "--result", result], c.ctx)).toBe(1);
    expect(JSON.parse(c.out())).toEqual({ errors: ["cognix image push: registry 127.0.0.1:1 is unreachable (connection refused)"], ok: false });
    expect(c.err()).toBe("cognix image push: registry 127.0.0.1:1 is unreachable (connection refused)\n");
  });

  it("passes the tool's own JSON error on unchanged, as the only document", async () => {
    const result = fakeTool(join(dir, "b"), "result", `echo '{"errors":["x"],"ok":false}'; echo "cognix image push: x" >&2; exit 1`);
    const c = capture(dir);
    expect(await cognix(["push", "127.0.0.1:1/m:t", "--json", "--result", result], c.ctx)).toBe(1);
    expect(JSON.parse(c.out())).toEqual({ errors: ["x"], ok: false });
  });

  it("names an absolute --result as given", async () => {
    const c = capture(dir);
    expect(await cognix(["push", "r/m:t", "--result", "/nonexistent/result"], c.ctx)).toBe(1);
    expect(c.err()).toContain("error: /nonexistent/result: no built image here");
  });
});
