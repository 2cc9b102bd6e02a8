import { describe, expect, it } from "vitest";
import { HttpError, isTransient, TransientError } from "../errors.ts";

describe("which failures are retried", () => {
  it("retries 5xx, 429, 408 and dropped connections, nothing else", () => {
    for (const status of [500, 502, 503, 429, 408]) expect(isTransient(new HttpError(status, "x"))).toBe(true);
    for (const status of [400, 401, 403, 404, 416]) expect(isTransient(new HttpError(status, "x"))).toBe(false);
    for (const code of ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "EHOSTUNREACH"]) {
      expect(isTransient(Object.assign(new Error(code), { code }))).toBe(true);
    }
    expect(isTransient(Object.assign(new Error("no such host"), { code: "ENOTFOUND" }))).toBe(false);
    expect(isTransient(new TransientError("session lost"))).toBe(true);
    expect(isTransient(new Error("bad JSON"))).toBe(false);
  });
});
