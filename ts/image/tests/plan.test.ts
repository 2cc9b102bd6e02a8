import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { packageName, planLayers } from "../plan.ts";
import { immediateDominators } from "../graph-analysis.ts";
import type { ClosureNode, LayerSpec } from "../spec-types.ts";

const MiB = 1024 * 1024;

/** A store path whose hash depends on its name and its references, like Nix's. */
interface Pkg {
  name: string;
  size: number;
  refs: string[];
  /** Changes the hash without changing the name: a new build of the same package. */
  salt?: string;
}

function graph(pkgs: Pkg[]): { nodes: ClosureNode[]; pathOf: (name: string) => string } {
  const paths = new Map<string, string>();
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const pathOf = (name: string): string => {
    const known = paths.get(name);
    if (known !== undefined) return known;
    const p = byName.get(name)!;
    const h = createHash("sha256").update(name).update(p.salt ?? "").update(p.refs.map(pathOf).join(",")).digest("hex").slice(0, 32);
    const path = `/nix/store/${h}-${name}`;
    paths.set(name, path);
    return path;
  };
  const nodes = pkgs.map((p) => ({ path: pathOf(p.name), narSize: p.size, references: p.refs.map(pathOf).sort() }));
  return { nodes, pathOf };
}

function pythonImage(overrides: Partial<Record<string, Pkg>> = {}, extra: Pkg[] = []): Pkg[] {
  const base: Pkg[] = [
    { name: "glibc-2.40-66", size: 30 * MiB, refs: [] },
    { name: "libffi-3.4.6", size: 200_000, refs: ["glibc-2.40-66"] },
    { name: "zlib-1.3.1", size: 150_000, refs: ["glibc-2.40-66"] },
    { name: "python3-3.12.8", size: 110 * MiB, refs: ["glibc-2.40-66", "libffi-3.4.6", "zlib-1.3.1", "python3-tzdata-2024"] },
    { name: "python3-tzdata-2024", size: 2 * MiB, refs: [] },
    { name: "python3.12-requests-2.32.3", size: 600_000, refs: ["python3-3.12.8", "python3.12-idna-3.10"] },
    { name: "python3.12-idna-3.10", size: 400_000, refs: ["python3-3.12.8"] },
    { name: "python3.12-pyyaml-6.0.2", size: 900_000, refs: ["python3-3.12.8"] },
    { name: "python3.12-numpy-2.1.3", size: 60 * MiB, refs: ["python3-3.12.8", "openblas-0.3.28"] },
    { name: "openblas-0.3.28", size: 40 * MiB, refs: ["glibc-2.40-66"] },
    { name: "python3.12-torch-2.5.1", size: 800 * MiB, refs: ["python3-3.12.8", "python3.12-numpy-2.1.3"] },
    { name: "model-src", size: 40_000, refs: [] },
  ];
  const pkgs = base.map((p) => overrides[p.name] ?? p);
  const all = [...pkgs, ...extra];
  const venvRefs = all.filter((p) => p.name.startsWith("python3.12-")).map((p) => p.name);
  all.push({ name: "python3-env", size: 100_000, refs: ["python3-3.12.8", ...venvRefs] });
  all.push({ name: "cog-entry", size: 5_000, refs: ["python3-env", "model-src"] });
  return all;
}

function layerKey(l: LayerSpec): string {
  return (l.paths ?? []).join(",");
}

function everyPathOnce(nodes: ClosureNode[], layers: LayerSpec[]): void {
  const placed = layers.flatMap((l) => l.paths ?? []).sort();
  expect(placed).toEqual(nodes.map((n) => n.path).sort());
}

describe("planLayers", () => {
  it("places every path once, big paths alone with what only they use, pinned paths last", () => {
    const { nodes, pathOf } = graph(pythonImage());
    const { layers } = planLayers(nodes, { ownLayer: [pathOf("model-src")] });
    everyPathOnce(nodes, layers);
    const layerOf = (name: string): LayerSpec => layers.find((l) => l.paths?.includes(pathOf(name)))!;
    expect(layerOf("python3.12-torch-2.5.1").paths).toEqual([pathOf("python3.12-torch-2.5.1")]);
    // libffi, zlib and tzdata are reached only through python: they live with it.
    expect(layerOf("libffi-3.4.6")).toBe(layerOf("python3-3.12.8"));
    expect(layerOf("python3-tzdata-2024")).toBe(layerOf("python3-3.12.8"));
    // requests is small and shared by nothing big: a name bucket.
    expect(layerOf("python3.12-requests-2.32.3").id).toMatch(/^bucket:\d\d$/);
    // The environment and the entry point reach nearly everything: they change together, on top.
    expect(layerOf("python3-env").id).toBe("top");
    expect(layerOf("cog-entry").paths).toEqual([pathOf("cog-entry"), pathOf("python3-env")].sort());
    expect(layers.at(-1)!.paths).toEqual([pathOf("model-src")]);
    expect(layers.at(-1)!.id).toMatch(/^own:/);
    // Lower layers first: glibc below python below torch.
    const idx = (n: string): number => layers.indexOf(layerOf(n));
    expect(idx("glibc-2.40-66")).toBeLessThan(idx("python3-3.12.8"));
    expect(idx("python3-3.12.8")).toBeLessThan(idx("python3.12-torch-2.5.1"));
  });

  it("a new model source changes only the model's own layer and the entry point's bucket", () => {
    const a = graph(pythonImage());
    const b = graph(pythonImage({ "model-src": { name: "model-src", size: 41_000, refs: [], salt: "v2" } }));
    const bNodes = b.nodes;
    const newSrc = b.pathOf("model-src");
    const la = planLayers(a.nodes, { ownLayer: [a.pathOf("model-src")] }).layers.map(layerKey);
    const lb = planLayers(bNodes, { ownLayer: [newSrc] }).layers.map(layerKey);
    const changed = lb.filter((k) => !la.includes(k));
    expect(changed.length).toBe(2);
    expect(changed).toContain(newSrc);
    expect(changed.some((k) => k.split(",").includes(b.pathOf("cog-entry")))).toBe(true);
  });

  it("bumping one small package touches only the layers holding it and its dependents", () => {
    const a = graph(pythonImage());
    const bumped = { name: "python3.12-pyyaml-6.0.3", size: 910_000, refs: ["python3-3.12.8"] };
    const bPkgs = pythonImage({ "python3.12-pyyaml-6.0.2": bumped });
    const b = graph(bPkgs);
    const la = planLayers(a.nodes).layers;
    const lb = planLayers(b.nodes).layers;
    const aKeys = new Set(la.map(layerKey));
    const changed = lb.filter((l) => !aKeys.has(layerKey(l)));
    const changedPaths = new Set(b.nodes.filter((n) => !a.nodes.some((m) => m.path === n.path)).map((n) => n.path));
    // Changed paths: pyyaml, the env, the entry point. Only layers with one of them differ.
    for (const l of changed) expect(l.paths!.some((p) => changedPaths.has(p)), l.id).toBe(true);
    expect(changed.length).toBeLessThanOrEqual(changedPaths.size);
    // The big layers are untouched.
    expect(aKeys.has(layerKey(lb.find((l) => l.paths?.includes(b.pathOf("python3.12-torch-2.5.1")))!))).toBe(true);
  });

  it("respects the layer limit, keeping the largest paths alone when slots run out", () => {
    const extra: Pkg[] = Array.from({ length: 40 }, (_, i) => ({
      name: `python3.12-big${String(i).padStart(2, "0")}-1.0`,
      size: (20 + i) * MiB,
      refs: ["python3-3.12.8"],
    }));
    const { nodes, pathOf } = graph(pythonImage({}, extra));
    const plan = planLayers(nodes, { maxLayers: 20, reservedLayers: 2, ownLayer: [pathOf("model-src")] });
    expect(plan.layers.length).toBeLessThanOrEqual(18);
    everyPathOnce(nodes, plan.layers);
    const alone = plan.layers.filter((l) => l.id.startsWith("store:")).map((l) => l.id);
    expect(alone).toContain(`store:${pathOf("python3.12-torch-2.5.1").slice(11)}`);
    expect(alone).toContain(`store:${pathOf("python3.12-big39-1.0").slice(11)}`);
    expect(alone).not.toContain(`store:${pathOf("python3.12-big00-1.0").slice(11)}`);
  });

  it("fails clearly when pinned layers do not fit", () => {
    const { nodes, pathOf } = graph(pythonImage());
    expect(() => planLayers(nodes, { maxLayers: 3, reservedLayers: 1, ownLayer: [pathOf("model-src"), pathOf("glibc-2.40-66")] })).toThrow(
      /--max-layers 3 leaves no room/,
    );
    expect(() => planLayers(nodes, { ownLayer: ["/nix/store/xxx-missing"] })).toThrow(/not in the closure/);
  });

  it("rejects reference cycles", () => {
    const nodes: ClosureNode[] = [
      { path: "/nix/store/a-a", narSize: 1, references: ["/nix/store/b-b"] },
      { path: "/nix/store/b-b", narSize: 1, references: ["/nix/store/a-a"] },
    ];
    expect(() => planLayers(nodes)).toThrow(/reference cycle/);
  });
});

describe("graph helpers", () => {
  it("drops hash and version from store path names", () => {
    expect(packageName("/nix/store/abc-python3.12-numpy-2.1.0")).toBe("python3.12-numpy");
    expect(packageName("/nix/store/abc-glibc-2.40-66")).toBe("glibc");
    expect(packageName("/nix/store/abc-nvidia-cublas-cu12-12.4.5.8")).toBe("nvidia-cublas-cu12");
    expect(packageName("/nix/store/abc-source")).toBe("source");
  });

  it("finds immediate dominators in a diamond", () => {
    const n = (p: string, refs: string[]): ClosureNode => ({ path: p, narSize: 1, references: refs });
    const idom = immediateDominators([n("/r", ["/a", "/b"]), n("/a", ["/c"]), n("/b", ["/c"]), n("/c", ["/d"]), n("/d", [])]);
    expect(idom.get("/r")).toBeUndefined();
    expect(idom.get("/a")).toBe("/r");
    expect(idom.get("/c")).toBe("/r");
    expect(idom.get("/d")).toBe("/c");
  });
});

describe("planLayers under tight limits", () => {
  it("never exceeds the budget, whatever the limit", () => {
    const extra: Pkg[] = Array.from({ length: 30 }, (_, i) => ({ name: `python3.12-x${String.fromCharCode(97 + i)}-1.0`, size: (i % 3) * 8 * MiB + 1000, refs: ["python3-3.12.8"] }));
    const { nodes, pathOf } = graph(pythonImage({}, extra));
    for (let maxLayers = 2; maxLayers <= 40; maxLayers++) {
      for (const pinned of [[], [pathOf("model-src")]]) {
        if (maxLayers - 1 < pinned.length + 1) continue;
        const plan = planLayers(nodes, { maxLayers, reservedLayers: 1, ownLayer: pinned });
        expect(plan.layers.length, `maxLayers ${maxLayers}`).toBeLessThanOrEqual(maxLayers - 1);
        everyPathOnce(nodes, plan.layers);
      }
    }
  });
});
