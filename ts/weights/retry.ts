import { defaultRetryPolicy, errorCode, withRetry as retryWith } from "../registry/retry.ts";
import { HttpError } from "./request.ts";

const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "UND_ERR_SOCKET"]);

/** Whether an error is worth another try: network trouble, 5xx, 429. */
export function isTransient(err: unknown): boolean {
  if (err instanceof HttpError) return err.status >= 500 || err.status === 429 || err.status === 408;
  const code = errorCode(err);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** Runs `fn` up to `attempts` times, doubling the delay after each transient failure. */
export function withRetry<T>(fn: () => Promise<T>, attempts = 4, firstDelayMs = 500): Promise<T> {
  const policy = { ...defaultRetryPolicy, attempts, baseDelayMs: firstDelayMs, maxDelayMs: Number.POSITIVE_INFINITY, random: () => 1 };
  return retryWith(policy, () => fn(), (last) => last as Error, undefined, isTransient);
}
