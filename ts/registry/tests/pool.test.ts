import { describe, expect, it } from "vitest";
import { mapPool } from "../pool.ts";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("mapPool", () => {
  it("keeps order and never exceeds the job limit", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapPool([5, 1, 4, 2, 3, 0], 3, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await tick(x * 3);
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(3);
  });

  it("stops handing out work after a failure and rethrows it", async () => {
    const started: number[] = [];
    await expect(
      mapPool([0, 1, 2, 3, 4, 5], 2, async (x) => {
        started.push(x);
        await tick(2);
        if (x === 1) throw new Error("boom 1");
        return x;
      }),
    ).rejects.toThrow("boom 1");
    expect(started.length).toBeLessThan(6);
  });
});
