// The README's main job: `npm run example` (scripts/build-example) builds an
// example image and writes it as an OCI layout; here with the offline
// package set (real CPython and wheels), as a machine without nixpkgs does.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { offlineMissing } from "../../ts/testkit/offline.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const have = (cmd: string): boolean => spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0;
const missing = [...offlineMissing(), ...(have("skopeo") ? [] : ["skopeo"])];
if (missing.length > 0) console.warn(`lib/tests/build-example: skipping: missing ${missing.join(", ")}`);

describe.skipIf(missing.length > 0)("scripts/build-example (the README's main job)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cognix-example-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("builds examples/minimal and writes an OCI layout skopeo reads", () => {
    const out = join(tmp, "oci");
    const env = { ...process.env, COGNIX_EXAMPLE_LINK: join(tmp, "result") };
    const r = spawnSync(join(repo, "scripts", "build-example"), ["--offline", "minimal", "oci"], { cwd: tmp, encoding: "utf8", env });
    expect(r.status === 0 ? "" : r.stderr).toBe("");
    expect(r.stderr).toContain("with the offline package set");
    expect(r.stdout).toContain(`image: oci:${out}:latest`);
    const config = JSON.parse(spawnSync("skopeo", ["inspect", "--config", `oci:${out}:latest`], { encoding: "utf8" }).stdout) as {
      config: { Cmd: string[]; Labels: Record<string, string> };
    };
    expect(config.config.Cmd).toEqual(["python", "-m", "cog.server.http"]);
    const cognix = JSON.parse(readFileSync(join(repo, "examples", "minimal", "cognix.json"), "utf8")) as { labels: Record<string, string> };
    expect(config.config.Labels["run.cog.config"]).toBe(cognix.labels["run.cog.config"]);
  });

  it("refuses an example that does not exist", () => {
    const r = spawnSync(join(repo, "scripts", "build-example"), ["--offline", "no-such-example"], { cwd: tmp, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no-such-example: no cog.yaml there (and no examples/no-such-example)");
  });
});
