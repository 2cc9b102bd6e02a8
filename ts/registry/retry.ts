/** Bounded retries with exponential backoff and jitter. */

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured; longer waits give up instead. */
  maxRetryAfterMs: number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 300,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 120_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** A failure worth another attempt: 5xx, 429, or a dropped connection. */
export class TransientError extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.name = "TransientError";
    this.retryAfterMs = retryAfterMs;
  }
}

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
]);

export function errorCode(err: unknown): string | undefined {
  if (err !== null && typeof err === "object" && "code" in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

export function isTransient(err: unknown): boolean {
  if (err instanceof TransientError) return true;
  const code = errorCode(err);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value.trim()) * 1000;
  const when = Date.parse(value);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, when - now);
}

/**
 * The error to give up with when `err` asks for a longer wait (Retry-After)
 * than the policy accepts; undefined when it may be waited for.
 */
export function retryAfterTooLong(policy: RetryPolicy, err: unknown): Error | undefined {
  const ms = err instanceof TransientError ? err.retryAfterMs : undefined;
  if (ms === undefined || ms <= policy.maxRetryAfterMs) return undefined;
  return new Error(`${(err as Error).message}, with a Retry-After of ${Math.round(ms / 1000)} s; cognix waits at most ${Math.round(policy.maxRetryAfterMs / 1000)} s`);
}

export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exp * (0.5 + policy.random() * 0.5);
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/**
 * Runs `fn` until it succeeds, a non-transient error occurs, or the attempts
 * are used up; then the last error propagates, wrapped by `giveUp`.
 * `transient` tells which errors are worth another attempt.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  giveUp: (last: unknown, attempts: number) => Error,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
  transient: (err: unknown) => boolean = isTransient,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!transient(err)) throw err;
      const retryAfter = err instanceof TransientError ? err.retryAfterMs : undefined;
      const tooLong = retryAfterTooLong(policy, err);
      if (tooLong !== undefined) throw giveUp(tooLong, attempt);
      if (attempt >= policy.attempts) throw giveUp(err, attempt);
      const delay = backoffDelay(policy, attempt, retryAfter);
      onRetry?.(err, attempt, delay);
      await policy.sleep(delay);
    }
  }
}
