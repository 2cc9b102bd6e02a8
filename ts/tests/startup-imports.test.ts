// Every command starts in under twice a bare Node's start-up (bench/startup.ts)
// because the entry points load only command declarations: a command imports
// what its run needs when it runs. A static import of a module that does the
// work (a push, an archive, a validator) would load it for every `--help`.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadedAtStart } from "./import-graph.ts";

const TS = join(dirname(fileURLToPath(import.meta.url)), "..");

/** What the entry points may load before a command runs: file system, paths, processes, hashes. */
const AT_START = new Set(["node:child_process", "node:crypto", "node:fs", "node:os", "node:path", "node:url", "node:util"]);

describe("start-up imports", () => {
  for (const entry of ["cli.ts", "image/main.ts"]) {
    it(`${entry} loads no package and no heavy built-in before a command runs`, () => {
      const { files, packages } = loadedAtStart(TS, entry);
      expect(files).toContain(entry);
      expect(packages.filter((p) => !AT_START.has(p))).toEqual([]);
    });
  }

  it("sees a static import of the push where help needs only its options", () => {
    // The check itself: the push module, loaded, brings HTTP and compression in.
    const { packages } = loadedAtStart(TS, "registry/push.ts");
    expect(packages).toEqual(expect.arrayContaining(["node:stream", "node:zlib"]));
  });
});
