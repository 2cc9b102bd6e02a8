// The flags every cognix process runs Node with (lib/data/node-flags.json):
// the npm bin's #! line passes them, and this Node takes them.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NODE_FLAGS } from "../testkit/node-flags.ts";
import { repo } from "../testkit/offline.ts";

describe("Node's flags for cognix", () => {
  it("are what the #! line of the cognix command passes", () => {
    const first = readFileSync(join(repo, "ts", "cli.ts"), "utf8").split("\n")[0];
    expect(NODE_FLAGS.length).toBeGreaterThan(0);
    expect(first).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(" ")}`);
  });

  it("are taken by this Node", () => {
    const r = spawnSync(process.execPath, [...NODE_FLAGS, "-e", "process.stdout.write('ran')"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("ran");
  });
});
