import { describe, expect, it } from "vitest";
import { TransientError } from "../errors.ts";
import { backoffDelay, defaultRetryPolicy, parseRetryAfter, withRetry } from "../retry.ts";

const policy = (delays: number[], attempts = 4) => ({ ...defaultRetryPolicy, attempts, baseDelayMs: 100, maxDelayMs: 1000, sleep: async (ms: number) => void delays.push(ms), random: () => 1 });

describe("retries", () => {
  it("backs off exponentially up to the cap, honouring Retry-After", () => {
    const p = policy([]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(p, a))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay({ ...p, random: () => 0 }, 3)).toBe(200);
    expect(backoffDelay(p, 1, 5000)).toBe(5000);
  });

  it("parses Retry-After seconds and dates", () => {
    expect(parseRetryAfter("7")).toBe(7000);
    expect(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000)).toBe(6000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it("retries transient failures and dropped connections, then succeeds", async () => {
    const delays: number[] = [];
    let n = 0;
    const out = await withRetry(policy(delays), async () => {
      n++;
      if (n === 1) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      if (n === 2) throw new TransientError("503");
      return "ok";
    }, () => new Error("gave up"));
    expect(out).toBe("ok");
    expect(delays).toEqual([100, 200]);
  });

  it("gives up after the bounded attempts and does not retry other errors", async () => {
    let n = 0;
    await expect(withRetry(policy([], 3), async () => {
      n++;
      throw new TransientError("500");
    }, (_e, a) => new Error(`gave up after ${a}`))).rejects.toThrow("gave up after 3");
    expect(n).toBe(3);
    n = 0;
    await expect(withRetry(policy([]), async () => {
      n++;
      throw new Error("400 bad request");
    }, () => new Error("x"))).rejects.toThrow("400 bad request");
    expect(n).toBe(1);
  });

  it("does not wait for a Retry-After beyond the limit", async () => {
    const delays: number[] = [];
    await expect(withRetry({ ...policy(delays), maxRetryAfterMs: 1000 }, async () => {
      throw new TransientError("429", 3_600_000);
    }, () => new Error("too long"))).rejects.toThrow("too long");
    expect(delays).toEqual([]);
  });
});
