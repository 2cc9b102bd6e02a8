// py/host-copy.py through host.nix's hostCopy: a library the host lacks
// fails the copy, unless the file that needs it is optional (as CPython's
// extension modules are), which is then left out.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hostFacts, nix, offlineMissing, repo } from "../../../ts/testkit/offline.ts";

const missing = [...offlineMissing(), ...(spawnSync("gcc", ["--version"]).status === 0 ? [] : ["gcc"])];
if (missing.length > 0) console.warn(`lib/offline: skipping the host-copy tests: missing ${missing.join(", ")}`);

describe.skipIf(missing.length > 0)("hostCopy", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cognix-host-copy-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  // ext.so links libgone.so, which is deleted afterwards: ldd reports it "not found".
  function brokenExtension(): string {
    writeFileSync(join(tmp, "gone.c"), "int gone(void) { return 1; }\n");
    writeFileSync(join(tmp, "ext.c"), "int gone(void); int ext(void) { return gone(); }\n");
    for (const args of [
      ["-shared", "-fPIC", "-o", join(tmp, "libgone.so"), join(tmp, "gone.c")],
      ["-shared", "-fPIC", "-o", join(tmp, "ext.so"), join(tmp, "ext.c"), `-L${tmp}`, "-lgone"],
    ]) {
      const r = spawnSync("gcc", args, { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
    }
    rmSync(join(tmp, "libgone.so"));
    return join(tmp, "ext.so");
  }

  function build(optional: boolean, name: string): ReturnType<typeof nix> {
    const ext = brokenExtension();
    const expr = `let
      inputs = import ${join(repo, "lib", "python", "inputs.nix")} { };
      lib = import (inputs.nixpkgs-lib.outPath + "/lib");
      host = import ${join(repo, "lib", "offline", "host.nix")} {
        inherit lib; system = "x86_64-linux"; host = builtins.fromJSON (builtins.readFile ${hostFacts()});
        bash = "/bin/bash"; hostPath = "/usr/bin:/bin";
        runCommand = (import ${join(repo, "lib", "offline", "trivial.nix")} { inherit lib; system = "x86_64-linux"; bash = "/bin/bash"; hostPath = "/usr/bin:/bin"; }).runCommand;
      };
    in host.hostCopy {
      name = "${name}";
      copies = [ { from = "${ext}"; to = "lib/ext/ext.so"; } { from = "${join(repo, "lib", "offline", "README.md")}"; to = "README.md"; } ];
      ${optional ? 'optional = [ "lib/ext/*" ];' : ""}
    }`;
    return nix(["build", "--impure", "--no-link", "--json", "--expr", expr]);
  }

  it("fails on a file that loads a library this machine does not have", () => {
    const r = build(false, "host-copy-required");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("lib/ext/ext.so needs libgone.so, which this machine does not have");
  });

  it("leaves such a file out when it is optional", () => {
    const r = build(true, "host-copy-optional");
    expect(r.status, r.stderr).toBe(0);
    const out = (JSON.parse(r.stdout) as { outputs: { out: string } }[])[0]!.outputs.out;
    expect(existsSync(join(out, "README.md"))).toBe(true);
    expect(existsSync(join(out, "lib", "ext", "ext.so"))).toBe(false);
  });
});
