// size and diff on image spec files: sorting, totals, what is shared, the
// fallback to store paths for specs without digests, deterministic JSON.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capture, cognix, fixtures } from "./helpers.ts";

interface Spec {
  closure: { path: string; narSize: number }[];
  layers: { id: string; kind: string; size?: number; narSize?: number; diffId?: string; paths?: string[] }[];
}
const spec = (name: string): Spec => JSON.parse(readFileSync(join(fixtures, name), "utf8")) as Spec;

describe("cognix size", () => {
  it("reports every layer and store path, largest first, with the total of the layers", async () => {
    const c = capture(fixtures);
    expect(await cognix(["size", "spec-a.json", "--json"], c.ctx)).toBe(0);
    const r = JSON.parse(c.out()) as { totalBytes: number; closureNarSize: number; layers: { id: string; bytes: number; measured: string }[]; paths: { path: string; narSize: number; layer: string | null }[] };
    const s = spec("spec-a.json");
    expect(r.totalBytes).toBe(s.layers.reduce((t, l) => t + (l.size ?? 0), 0));
    expect(r.closureNarSize).toBe(s.closure.reduce((t, n) => t + n.narSize, 0));
    expect(r.layers.map((l) => l.bytes)).toEqual(s.layers.map((l) => l.size ?? 0).sort((a, b) => b - a));
    expect(r.layers.every((l) => l.measured === "tar")).toBe(true);
    expect(r.paths.map((p) => p.narSize)).toEqual(s.closure.map((n) => n.narSize).sort((a, b) => b - a));
    for (const p of r.paths) expect(s.layers.find((l) => l.id === p.layer)?.paths).toContain(p.path);
  });

  it("falls back to NAR sizes without digests, and says so in the table", async () => {
    const c = capture(fixtures);
    expect(await cognix(["size", "spec-b-undigested.json", "--top", "2"], c.ctx)).toBe(0);
    const out = c.out();
    expect(out).toContain("(nar)");
    const pathRows = out.split("\n").filter((l) => l.startsWith("/nix/store/"));
    expect(pathRows).toHaveLength(2);
    expect(out).toContain("... 2 more (--top 0 lists all)");
  });

  it("gives the same bytes for the same spec", async () => {
    const a = capture(fixtures);
    const b = capture(fixtures);
    await cognix(["size", "spec-a.json", "--json"], a.ctx);
    await cognix(["size", join(fixtures, "spec-a.json"), "--json"], b.ctx);
    expect(a.out()).toBe(b.out());
    expect(a.out().endsWith("}\n")).toBe(true);
  });

  it("errors: no ./result, a bad spec, a bad --top", async () => {
    const none = capture(fixtures);
    expect(await cognix(["size"], none.ctx)).toBe(1);
    expect(none.err()).toContain("result: not found");
    const bad = capture(fixtures);
    expect(await cognix(["size", "model/cog.yaml"], bad.ctx)).toBe(1);
    expect(bad.err()).toContain("model/cog.yaml: no built image here");
    const broken = capture(join(fixtures, ".."));
    expect(await cognix(["size", "fixtures/broken-spec.json", "--json"], broken.ctx)).toBe(1);
    expect(broken.err()).toContain("fixtures/broken-spec.json");
    expect(JSON.parse(broken.out())).toMatchObject({ ok: false });
    const usage = capture(fixtures);
    expect(await cognix(["size", "spec-a.json", "--top", "-1"], usage.ctx)).toBe(2);
  });
});

describe("cognix diff", () => {
  it("digested specs: the layers with the same digest are shared", async () => {
    const c = capture(fixtures);
    expect(await cognix(["diff", "spec-a.json", "spec-b.json", "--json"], c.ctx)).toBe(0);
    const r = JSON.parse(c.out()) as {
      comparedBy: string;
      shared: { layers: { id: string }[]; bytes: number };
      onlyA: { layers: { id: string }[]; bytes: number };
      onlyB: { layers: { id: string }[]; bytes: number };
      paths: { shared: number; onlyA: string[]; onlyB: string[] };
    };
    const a = spec("spec-a.json");
    const b = spec("spec-b.json");
    const bIds = new Set(b.layers.map((l) => l.diffId));
    const sharedA = a.layers.filter((l) => bIds.has(l.diffId));
    expect(r.comparedBy).toBe("diffId");
    expect(r.shared.layers.map((l) => l.id).sort()).toEqual(sharedA.map((l) => l.id).sort());
    expect(r.shared.bytes).toBe(sharedA.reduce((t, l) => t + (l.size ?? 0), 0));
    expect(r.onlyA.layers.length + r.shared.layers.length).toBe(a.layers.length);
    expect(r.onlyB.layers.length + r.shared.layers.length).toBe(b.layers.length);
    const bPaths = new Set(b.closure.map((n) => n.path));
    expect(r.paths.onlyA).toEqual(a.closure.map((n) => n.path).filter((p) => !bPaths.has(p)).sort());
    expect(r.paths.shared).toBe(a.closure.filter((n) => bPaths.has(n.path)).length);
  });

  it("without digests, layers holding the same store paths count as shared", async () => {
    const c = capture(fixtures);
    expect(await cognix(["diff", "spec-a.json", "spec-b-undigested.json", "--json"], c.ctx)).toBe(0);
    const r = JSON.parse(c.out()) as { comparedBy: string; shared: { layers: { id: string }[] }; onlyB: { layers: { id: string }[] } };
    expect(r.comparedBy).toBe("paths");
    const a = spec("spec-a.json");
    const b = spec("spec-b-undigested.json");
    const key = (l: Spec["layers"][number]): string => `${l.kind}:${[...(l.paths ?? [])].sort().join(",")}`;
    const expected = a.layers.filter((l) => l.kind === "store" && b.layers.some((m) => key(m) === key(l))).map((l) => l.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(r.shared.layers.map((l) => l.id).sort()).toEqual(expected.sort());
  });

  it("the table names A and B and the shared bytes", async () => {
    const c = capture(fixtures);
    expect(await cognix(["diff", "spec-a.json", "spec-b.json"], c.ctx)).toBe(0);
    expect(c.out()).toContain("A: spec-a.json\nB: spec-b.json");
    expect(c.out()).toMatch(/^shared\s+\d+\s+\S+ \w?i?B$/m);
  });

  it("usage: two images, no more, no less", async () => {
    const c = capture(fixtures);
    expect(await cognix(["diff", "spec-a.json"], c.ctx)).toBe(2);
    expect(await cognix(["diff", "spec-a.json", "spec-b.json", "spec-a.json"], c.ctx)).toBe(2);
    expect(c.err()).toContain("Usage: cognix diff A B");
  });
});
