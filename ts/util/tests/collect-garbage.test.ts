import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { collectGarbage, GarbagePacer } from "../collect-garbage.ts";

describe("garbage pacer", () => {
  it("collects once `every` bytes have been counted, then counts afresh", () => {
    let collections = 0;
    const pacer = new GarbagePacer(1024, () => collections++);
    pacer.add(1023);
    expect(collections).toBe(0);
    pacer.add(1);
    expect(collections).toBe(1);
    pacer.add(5000);
    expect(collections).toBe(2);
    pacer.add(1023);
    expect(collections).toBe(2);
  });

  it("a collection frees what nothing holds", async () => {
    const ref = new WeakRef({ payload: new Array(1000).fill(0) });
    // A WeakRef keeps its target alive until the turn that made or read it ends.
    await nextTurn();
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
  });
});
