import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SMALL_LAYER } from "../archive-layers.ts";
import { dockerArchiveChunks } from "../docker-archive.ts";
import { readSpec } from "../spec-file.ts";
import type { ImageSpec, LayerSpec } from "../spec-types.ts";
import { REPO, runCli, tempDir, TOOL_ARGS } from "./helpers.ts";
import { readTar } from "./tar-reader.ts";

const MiB = 1024 * 1024;

function plan(layers: LayerSpec[]): ImageSpec {
  return {
    version: 1, name: "a", tag: "a", created: "1970-01-01T00:00:01Z", mtime: 1, architecture: "amd64", os: "linux",
    config: {}, closure: [], root: [], ownLayer: [],
    planner: { algorithm: "test", maxLayers: 10, ownLayerThreshold: 0, buckets: 1 }, layers,
  };
}

/**
 * Archives start the next small layer while one streams: each layer must
 * still come out whole and verified in its place, a changed one must fail
 * as itself, and an archive that ends early must not leave a layer started
 * ahead blocked on its full ring (the process would never exit).
 */
describe("archive layers started ahead", () => {
  const tmp = tempDir("ahead");
  const digested = join(tmp.dir, "spec.json");
  /** Layer ids and the file each holds; 12 MiB is more than a ring, less than a small layer. */
  const layers = ["s0", "s1", "s2", "big"].map((id) => ({ id, file: join(tmp.dir, id, "f"), size: id === "big" ? SMALL_LAYER + MiB : 12 * MiB }));

  beforeAll(() => {
    const specs: LayerSpec[] = layers.map(({ id, file, size }, i) => {
      mkdirSync(join(tmp.dir, id));
      writeFileSync(file, Buffer.alloc(size, i + 1));
      return { id, kind: "store", paths: [join(tmp.dir, id)] };
    });
    const planFile = join(tmp.dir, "plan.json");
    writeFileSync(planFile, JSON.stringify(plan(specs)));
    expect(runCli(["digest", "--spec", planFile, "--out", digested]).code).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  it("streams small and large layers alike, each in its place and verified", async () => {
    const spec = readSpec(digested);
    const parts: Buffer[] = [];
    for await (const c of dockerArchiveChunks(spec, "a:a")) parts.push(c);
    const tars = readTar(Buffer.concat(parts)).filter((e) => e.name.endsWith("/layer.tar"));
    expect(tars.map((e) => `sha256:${e.name.slice(0, 64)}`)).toEqual(spec.layers.map((l) => l.diffId));
    expect(tars.map((e) => e.content.length)).toEqual(spec.layers.map((l) => l.size));
  });

  it("fails a changed layer started ahead as that layer, once the one before it is whole", async () => {
    const spec = readSpec(digested);
    writeFileSync(layers[1]!.file, Buffer.alloc(layers[1]!.size, 0xee));
    try {
      const parts: Buffer[] = [];
      const err = await (async () => {
        for await (const c of dockerArchiveChunks(spec, "a:a")) parts.push(Buffer.from(c));
      })().catch((e: unknown) => e);
      expect(String(err)).toMatch(/layer s1: content changed/);
      // s0 came out whole (after its directory's and its file's headers) before s1 failed.
      expect(Buffer.concat(parts).length).toBeGreaterThanOrEqual(2 * 512 + (spec.layers[0]!.size ?? Infinity));
    } finally {
      writeFileSync(layers[1]!.file, Buffer.alloc(layers[1]!.size, 2));
    }
  });

  it("ends an OCI layout whose layer changed, with the next layer started ahead stopped and no blob half-written", () => {
    writeFileSync(layers[1]!.file, Buffer.alloc(layers[1]!.size, 0xee));
    try {
      const layout = join(tmp.dir, "layout");
      const r = spawnSync(process.execPath, [...TOOL_ARGS, "oci", "--spec", digested, layout], { cwd: REPO, timeout: 60_000 });
      expect(r.error).toBeUndefined();
      expect(r.status).not.toBe(0);
      expect(r.stderr.toString("utf8")).toMatch(/layer s1: content changed/);
      const spec = readSpec(digested);
      const blobs = readdirSync(join(layout, "blobs", "sha256"));
      // s0 written and kept; nothing of s1, s2 or a temporary file left.
      expect(blobs).toEqual([spec.layers[0]!.diffId!.slice("sha256:".length)]);
      expect(existsSync(join(layout, "index.json"))).toBe(false);
    } finally {
      writeFileSync(layers[1]!.file, Buffer.alloc(layers[1]!.size, 2));
    }
  }, 90_000);
});
