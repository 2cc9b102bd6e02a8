import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { haveTool, REGISTRY_BIN, startRegistry } from "../registry.ts";

const missing = haveTool(REGISTRY_BIN) ? undefined : REGISTRY_BIN;
if (missing !== undefined) console.warn(`skipping the registry starter's test: ${missing} is missing`);

describe.skipIf(missing !== undefined)("the test registry starter", () => {
  it("starts registries side by side, each on the port it bound, and removes their storage", async () => {
    const regs = await Promise.all([startRegistry(), startRegistry(), startRegistry()]);
    try {
      expect(new Set(regs.map((r) => r.port)).size).toBe(3);
      for (const r of regs) {
        const res = await fetch(`http://${r.host}/v2/`);
        expect(res.status).toBe(200);
        expect(res.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
      }
    } finally {
      await Promise.all(regs.map((r) => r.stop()));
    }
    expect(regs.filter((r) => existsSync(r.root))).toEqual([]);
  });
});
