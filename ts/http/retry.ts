/** Bounded retries with exponential backoff and jitter. */
import { isTransient, retryAfterOf } from "./errors.ts";

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured; longer waits give up instead. */
  maxRetryAfterMs: number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Registry requests: six attempts, jittered, a Retry-After up to 120 s. */
export const defaultRetryPolicy: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 300,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 120_000,
  sleep,
  random: Math.random,
};

/** Weight servers and buckets: four attempts, 0.5 s doubling, no jitter. */
export const weightsRetryPolicy: RetryPolicy = {
  ...defaultRetryPolicy,
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: Number.POSITIVE_INFINITY,
  random: () => 1,
};

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
  const ms = retryAfterOf(err);
  if (ms === undefined || ms <= policy.maxRetryAfterMs) return undefined;
  return new Error(`${(err as Error).message}, with a Retry-After of ${Math.round(ms / 1000)} s; cognix waits at most ${Math.round(policy.maxRetryAfterMs / 1000)} s`);
}

export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exp * (0.5 + policy.random() * 0.5);
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

export type GiveUp = (last: unknown, attempts: number) => Error;
export type OnRetry = (err: unknown, attempt: number, delayMs: number) => void;

const rethrow: GiveUp = (last) => last as Error;

/**
 * After the `attempt`-th failure: throws when `err` is final, the attempts
 * are used up or its Retry-After is too long (wrapped by `giveUp`), and
 * otherwise waits before the next attempt.
 */
export async function backOff(policy: RetryPolicy, err: unknown, attempt: number, giveUp: GiveUp = rethrow, onRetry?: OnRetry): Promise<void> {
  if (!isTransient(err)) throw err;
  const tooLong = retryAfterTooLong(policy, err);
  if (tooLong !== undefined) throw giveUp(tooLong, attempt);
  if (attempt >= policy.attempts) throw giveUp(err, attempt);
  const delay = backoffDelay(policy, attempt, retryAfterOf(err));
  onRetry?.(err, attempt, delay);
  await policy.sleep(delay);
}

/**
 * Runs `fn` until it succeeds, a final error occurs, or the attempts are
 * used up; then the last error propagates, wrapped by `giveUp`.
 */
export async function withRetry<T>(policy: RetryPolicy, fn: (attempt: number) => Promise<T>, giveUp: GiveUp = rethrow, onRetry?: OnRetry): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      await backOff(policy, err, attempt, giveUp, onRetry);
    }
  }
}
