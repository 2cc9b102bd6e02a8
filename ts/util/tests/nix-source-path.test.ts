// The computed path against Nix itself: a directory named "source" added as
// a recursive sha256 fixed-output path, and its NAR hash as Nix prints it.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sourceStorePath } from "../nix-source-path.ts";

const nixStore = spawnSync("nix-store", ["--version"]).status === 0;
const tmp = mkdtempSync(join(tmpdir(), "cognix-source-path-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("sourceStorePath", () => {
  it("refuses hashes that are not SRI sha256", () => {
    expect(sourceStorePath("sha512-abc")).toBeNull();
    expect(sourceStorePath("0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73")).toBeNull();
  });

  it.skipIf(!nixStore)("gives the path Nix gives the same tree (nix-store --add-fixed --recursive)", () => {
    const dir = join(tmp, "source");
    mkdirSync(join(dir, "sub"), { recursive: true });
    writeFileSync(join(dir, "flake.nix"), `{ outputs = _: { stamp = "${Date.now()}"; }; }\n`);
    writeFileSync(join(dir, "sub", "x"), "y\n");
    const added = spawnSync("nix-store", ["--add-fixed", "--recursive", "sha256", dir], { encoding: "utf8" });
    expect(added.stderr).toBe("");
    const path = added.stdout.trim();
    const hash = spawnSync("nix", ["--extra-experimental-features", "nix-command", "hash", "path", "--type", "sha256", "--sri", dir], { encoding: "utf8" });
    expect(hash.status, hash.stderr).toBe(0);
    expect(sourceStorePath(hash.stdout.trim())).toBe(path);
  });
});
