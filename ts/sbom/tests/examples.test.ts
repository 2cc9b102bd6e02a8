// The examples' images, built offline: their SBOMs validate, the label names
// them, every component's name and version comes from the derivation or
// uv.lock, rebuilds give the same bytes, and push attaches them to the image
// in a registry, from which `cognix sbom --from-registry` reads them back.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli.ts";
import { cyclonedxProblems, spdxProblems } from "../../commands/sbom-validate.ts";
import { capture } from "../../cli/tests/capture.ts";
import { haveTool, REGISTRY_BIN, startRegistry, type RunningRegistry } from "../../testkit/registry.ts";
import { nix } from "../../testkit/nix-eval.ts";
import { buildOffline, offlineBuildArgs, offlineMissing, repo } from "../../testkit/offline.ts";
import { SBOM_LABEL } from "../document.ts";
import { TOOL_ARGS } from "../../image/tests/helpers.ts";

const missing = [...offlineMissing(), ...(haveTool(REGISTRY_BIN) ? [] : [`${REGISTRY_BIN} (apt package docker-registry)`])];
if (missing.length > 0) console.warn(`ts/sbom/tests/examples: skipping the examples' SBOMs: missing ${missing.join(", ")}`);

const sha256 = (b: Buffer | string): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

function run(cmd: string, args: string[]): Buffer {
  const r = spawnSync(cmd, args, { maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr.toString("utf8")}`);
  return r.stdout;
}

interface Component {
  "bom-ref": string;
  name: string;
  version?: string;
  purl?: string;
  hashes?: { content: string }[];
  externalReferences?: { url: string }[];
  properties?: { name: string; value: string }[];
}

describe.skipIf(missing.length > 0).each(["minimal", "ebsynth-cpu"])("the SBOM of examples/%s", (example) => {
  const model = join(repo, "examples", example);
  let tmp = "";
  let result = "";
  let registry: RunningRegistry | undefined;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), `cognix-sbom-${example}-`));
    result = buildOffline(model, join(tmp, "result"));
  }, 1_800_000);
  afterAll(async () => {
    await registry?.stop();
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  it("validates (CycloneDX 1.6 and SPDX 2.3), and the image's label is its sha256", async () => {
    const cdx = run(result, ["sbom"]);
    const spec = JSON.parse(run(result, ["spec"]).toString("utf8")) as { config: { Labels: Record<string, string> }; closure: { path: string }[]; bom: { python: unknown[] } };
    expect(spec.config.Labels[SBOM_LABEL]).toBe(sha256(cdx));
    expect(await cyclonedxProblems(cdx.toString("utf8"))).toEqual([]);
    expect(spdxProblems(run(result, ["sbom", "--format", "spdx"]).toString("utf8"))).toEqual([]);

    const doc = JSON.parse(cdx.toString("utf8")) as { components: Component[] };
    const refs = new Set(doc.components.map((c) => c["bom-ref"]));
    for (const node of spec.closure) expect(refs.has(node.path), node.path).toBe(true);
    // Exact, not guessed: every name and version from a derivation or from uv.lock.
    const guessed = doc.components.filter((c) => c.properties?.some((p) => p.name === "cognix:version_source" && p.value === "store-path-name"));
    expect(guessed.map((c) => c.name)).toEqual([]);
    // Each Python distribution: its purl, and the wheel uv.lock pins (URL and sha256).
    const lock = readFileSync(join(model, "uv.lock"), "utf8");
    const python = doc.components.filter((c) => c.purl?.startsWith("pkg:pypi/"));
    expect(python.length).toBe(spec.bom.python.length);
    expect(python.length).toBeGreaterThan(10);
    for (const c of python.filter((p) => p.name !== "pip")) {
      const url = c.externalReferences?.[0]?.url ?? "";
      expect(lock, `${c.name}: ${url}`).toContain(url);
      expect(lock, c.name).toContain(`sha256:${c.hashes?.[0]?.content ?? "none"}`);
      expect(c.purl).toBe(`pkg:pypi/${c.name.toLowerCase().replace(/[-_.]+/g, "-")}@${c.version}`);
    }
  });

  it("is the same bytes when the spec and the SBOM are built again", () => {
    for (const attr of ["image.spec", "image.config.image.sbom"]) {
      const r = nix(["build", ...offlineBuildArgs(model), attr, "--rebuild", "--no-link"]);
      expect(r.status === 0 ? "" : r.stderr).toBe("");
      expect(r.stderr).toContain("checking outputs of");
    }
    const spec = join(tmp, "spec.json");
    run("/bin/sh", ["-c", `"$0" spec > "$1"`, result, spec]);
    const again = spawnSync(process.execPath, [...TOOL_ARGS, "sbom", "--spec", spec], { cwd: repo, maxBuffer: 1 << 28 });
    expect(again.stdout.equals(run(result, ["sbom"]))).toBe(true);
  }, 900_000);

  it("is pushed as a referrer of the image, read back from the registry, and skipped on a re-push", async () => {
    registry = await startRegistry();
    const ref = `${registry.host}/examples/${example}:sbom`;
    const env = { ...process.env, XDG_CACHE_HOME: join(tmp, "cache") };
    const push = (): { digest: string; referrers: { outcome: string; via: string; blob: string }[] } => {
      const r = spawnSync(result, ["push", ref, "--insecure", "--json"], { env, maxBuffer: 1 << 28 });
      if (r.status !== 0) throw new Error(r.stderr.toString("utf8"));
      return JSON.parse(r.stdout.toString("utf8")) as { digest: string; referrers: { outcome: string; via: string; blob: string }[] };
    };
    const cdx = run(result, ["sbom"]);
    const first = push();
    expect(first.referrers).toEqual([expect.objectContaining({ outcome: "pushed", via: "tag", blob: sha256(cdx) })]);
    const c = capture(tmp);
    expect(await main(["sbom", "--from-registry", ref, "--insecure"], c.ctx)).toBe(0);
    expect(c.err()).toBe("");
    expect(c.out()).toBe(cdx.toString("utf8"));
    const second = push();
    expect(second.digest).toBe(first.digest);
    expect(second.referrers).toEqual([expect.objectContaining({ outcome: "skipped", via: "tag" })]);
  }, 600_000);
});
