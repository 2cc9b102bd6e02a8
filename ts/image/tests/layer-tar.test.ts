import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chmodSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CognixError } from "../../util/errors.ts";
import { collectLayerEntries, compareNames } from "../layer-entries.ts";
import { digestLayer, layerChunks } from "../layer-source.ts";
import { encodeHeader } from "../tar-header.ts";
import type { DigestedLayer, ImageSpec, LayerSpec } from "../spec-types.ts";
import { missing, run, skipNote, tempDir } from "./helpers.ts";
import { readTar } from "./tar-reader.ts";

function specWith(layers: LayerSpec[], mtime = 1): ImageSpec {
  return {
    version: 1, name: "t", tag: "t", created: "1970-01-01T00:00:01Z", mtime, architecture: "amd64", os: "linux",
    config: {}, closure: [], root: [], ownLayer: [],
    planner: { algorithm: "test", maxLayers: 10, ownLayerThreshold: 0, buckets: 1 }, layers,
  };
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

const LONG_DIR = "d".repeat(120);
const LONG_FILE = `${"f".repeat(150)}.txt`;
const UNICODE = "ünïcødé-文件.txt";

describe("layer tar", () => {
  const tmp = tempDir("tar");
  const pkg = join(tmp.dir, "store", "abc-pkg");
  const pkgB = join(tmp.dir, "store", "abc-pkg-b");
  let layer: LayerSpec;

  beforeAll(() => {
    mkdirSync(join(pkg, "bin"), { recursive: true });
    mkdirSync(join(pkg, "share"), { recursive: true });
    mkdirSync(join(pkg, "lib"), { recursive: true });
    mkdirSync(join(pkg, "empty"), { recursive: true });
    mkdirSync(join(pkg, "deep", LONG_DIR), { recursive: true });
    mkdirSync(pkgB, { recursive: true });
    writeFileSync(join(pkg, "bin", "tool"), "#!/bin/sh\necho tool\n");
    chmodSync(join(pkg, "bin", "tool"), 0o700);
    writeFileSync(join(pkg, "share", "data.txt"), "data\n".repeat(300));
    chmodSync(join(pkg, "share", "data.txt"), 0o600);
    linkSync(join(pkg, "share", "data.txt"), join(pkg, "share", "hard.txt"));
    symlinkSync("../share/data.txt", join(pkg, "lib", "link"));
    writeFileSync(join(pkg, "deep", LONG_DIR, LONG_FILE), "long\n");
    writeFileSync(join(pkg, UNICODE), "unicode\n");
    writeFileSync(join(pkgB, "x"), "");
    layer = { id: "t", kind: "store", paths: [pkg, pkgB] };
  });
  afterAll(() => tmp.cleanup());

  it("writes sorted, normalised entries with parents, links and long names", async () => {
    const spec = specWith([layer], 7);
    const d = await digestLayer(spec, layer);
    const bytes = await collect(layerChunks(spec, { ...layer, diffId: d.diffId, size: d.size, hardlinks: d.hardlinks }));
    expect(bytes.length).toBe(d.size);
    const entries = readTar(bytes);
    const names = entries.map((e) => e.name.replace(/\/$/, ""));
    expect([...names].sort(compareNames)).toEqual(names);
    // Every ancestor of the store paths is a directory entry before its children.
    const base = pkg.slice(1);
    for (let i = 1; i < base.split("/").length; i++) {
      const anc = base.split("/").slice(0, i).join("/");
      const e = entries.find((x) => x.name === `${anc}/`);
      expect(e?.type, anc).toBe("5");
      expect(e?.mode).toBe(0o755);
    }
    for (const e of entries) {
      expect([e.uid, e.gid, e.uname, e.gname, e.mtime]).toEqual([0, 0, "", "", 7]);
    }
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get(`${base}/bin/tool`)?.mode).toBe(0o555);
    expect(byName.get(`${base}/share/data.txt`)?.mode).toBe(0o444);
    expect(byName.get(`${base}/empty/`)?.type).toBe("5");
    const link = byName.get(`${base}/lib/link`);
    expect([link?.type, link?.linkname]).toEqual(["2", "../share/data.txt"]);
    const hard = byName.get(`${base}/share/hard.txt`);
    expect([hard?.type, hard?.linkname, hard?.size]).toEqual(["1", `${base}/share/data.txt`, 0]);
    expect(d.hardlinks).toEqual({ [`${base}/share/hard.txt`]: `${base}/share/data.txt` });
    const long = byName.get(`${base}/deep/${LONG_DIR}/${LONG_FILE}`);
    expect(long?.hadPax).toBe(true);
    expect(long?.content.toString()).toBe("long\n");
    const uni = byName.get(`${base}/${UNICODE}`);
    expect(uni?.content.toString()).toBe("unicode\n");
    // PAX headers only where ustar's 100-byte name (+155-byte prefix) cannot hold the name.
    for (const e of entries) expect(e.hadPax, e.name).toBe(e.name.includes(LONG_DIR));
    // "abc-pkg" < "abc-pkg-b" < "abc-pkg/…" in byte order.
    expect(names.indexOf(pkgB.slice(1))).toBeLessThan(names.indexOf(`${base}/bin`));
  });

  it.skipIf(skipNote("GNU tar extraction", missing(["tar"])))("extracts with GNU tar to the same tree", async () => {
    const spec = specWith([layer]);
    const d = await digestLayer(spec, layer);
    const out = tempDir("untar");
    try {
      const file = join(out.dir, "layer.tar");
      writeFileSync(file, await collect(layerChunks(spec, { ...layer, ...d })));
      const x = run("tar", ["-xf", file, "-C", out.dir]);
      expect(x.err).toBe("");
      const root = join(out.dir, pkg);
      expect(readFileSync(join(root, "deep", LONG_DIR, LONG_FILE), "utf8")).toBe("long\n");
      expect(readFileSync(join(root, "share", "hard.txt"), "utf8")).toBe("data\n".repeat(300));
      expect(readFileSync(join(root, "lib", "link"), "utf8")).toBe("data\n".repeat(300));
      expect(readFileSync(join(root, UNICODE), "utf8")).toBe("unicode\n");
      const listing = run("tar", ["-tvf", file]).out;
      expect(listing).toMatch(/hard\.txt link to /);
    } finally {
      out.cleanup();
    }
  });

  it("gives the same digest whatever the umask and the files' own modes' write bits", async () => {
    const spec = specWith([layer]);
    const first = await digestLayer(spec, layer);
    const old = process.umask(0o077);
    try {
      chmodSync(join(pkg, "share", "data.txt"), 0o644);
      const second = await digestLayer(spec, layer);
      expect(second.diffId).toBe(first.diffId);
    } finally {
      process.umask(old);
      chmodSync(join(pkg, "share", "data.txt"), 0o600);
    }
    const other = await digestLayer(specWith([layer], 2), layer);
    expect(other.diffId).not.toBe(first.diffId);
  });

  it("digests a layer alike on one thread and on two, hard links included", async () => {
    const spec = specWith([layer]);
    const split = await digestLayer(spec, layer, undefined, "split");
    let reported = 0;
    const one = await digestLayer(spec, layer, (n) => (reported += n), "one-thread");
    expect(one).toEqual(split);
    const rel = pkg.slice(1);
    expect(one.hardlinks).toEqual({ [`${rel}/share/hard.txt`]: `${rel}/share/data.txt` });
    expect(reported).toBe(one.size);
    const gone: LayerSpec = { id: "gone", kind: "store", paths: [join(tmp.dir, "store", "missing")] };
    const errs = await Promise.all(
      (["split", "one-thread"] as const).map((mode) => digestLayer(specWith([gone]), gone, undefined, mode).catch((e: unknown) => e)),
    );
    for (const e of errs) expect(e).toBeInstanceOf(CognixError);
    expect((errs[1] as Error).message).toBe((errs[0] as Error).message);
  });

  it("keeps recorded hard links even when the files are no longer linked", async () => {
    const t = tempDir("relink");
    try {
      const p = join(t.dir, "p");
      mkdirSync(p);
      writeFileSync(join(p, "a"), "same\n");
      linkSync(join(p, "a"), join(p, "b"));
      const l: LayerSpec = { id: "r", kind: "store", paths: [p] };
      const spec = specWith([l]);
      const d = await digestLayer(spec, l);
      // Break the link but keep the content: like copying the closure to another store.
      writeFileSync(join(t.dir, "b2"), "same\n");
      run("mv", [join(t.dir, "b2"), join(p, "b")]);
      const again = await collect(layerChunks(spec, { ...l, ...d }));
      expect(again.length).toBe(d.size);
    } finally {
      t.cleanup();
    }
  });

  it("fails while streaming when store content changed since digesting", async () => {
    const t = tempDir("changed");
    try {
      const p = join(t.dir, "p");
      mkdirSync(p);
      writeFileSync(join(p, "f"), "original");
      const l: LayerSpec = { id: "c", kind: "store", paths: [p] };
      const spec = specWith([l]);
      const d = await digestLayer(spec, l);
      const digested: DigestedLayer = { ...l, ...d };
      writeFileSync(join(p, "f"), "ORIGINAL");
      await expect(collect(layerChunks(spec, digested))).rejects.toThrow(/layer c: content changed/);
      // The same when the tarring worker checks the digest (a push's streams).
      await expect(collect(layerChunks(spec, digested, "worker"))).rejects.toThrow(/layer c: content changed/);
      writeFileSync(join(p, "f"), "original plus more");
      const err = await collect(layerChunks(spec, digested)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CognixError);
      // The last chunk is held back: a consumer never sees a complete tar.
      const seen: Buffer[] = [];
      writeFileSync(join(p, "f"), "ORIGINAL");
      await expect((async () => {
        for await (const c of layerChunks(spec, digested)) seen.push(c);
      })()).rejects.toThrow(CognixError);
      expect(Buffer.concat(seen).length).toBeLessThan(d.size);
    } finally {
      t.cleanup();
    }
  });

  it("uses a PAX size record only for entries of 8 GiB and more", () => {
    const small = encodeHeader({ name: "a", type: "file", mode: 0o444, size: 0o77777777777, mtime: 1 });
    expect(small.length).toBe(512);
    const big = encodeHeader({ name: "a", type: "file", mode: 0o444, size: 9_000_000_000, mtime: 1 });
    expect(big.length).toBe(1536);
    const parsed = readTar(Buffer.concat([big, Buffer.alloc(1024)]).subarray(0, 1536 + 1024));
    expect(parsed[0]?.size).toBe(9_000_000_000);
  });

  it("rejects a layer whose root entries clash", () => {
    const l: LayerSpec = {
      id: "root",
      kind: "root",
      entries: [
        { path: "/etc/x", type: "file", content: "a" },
        { path: "/etc/x/y", type: "file", content: "b" },
      ],
    };
    expect(() => collectLayerEntries(l)).toThrow(/\/etc\/x is a parent of other entries but not a directory/);
  });
});
