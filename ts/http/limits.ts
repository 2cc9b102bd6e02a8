/** How long one HTTP exchange may take (docs/security.md states these numbers). */
export interface Limits {
  /** Longest silence on the connection. */
  idleMs: number;
  /** Time for the exchange before the allowance for its body; a trickle of bytes does not extend it. */
  requestMs: number;
  /**
   * Slowest pace accepted: a request body of N bytes adds N / minBytesPerSecond
   * seconds to the deadline, and a streamed answer must average this once
   * `requestMs` has passed since its headers.
   */
  minBytesPerSecond: number;
}

/** Registry requests (push, referrers, OCI weights): `--timeout` replaces requestMs. */
export const REGISTRY_LIMITS: Limits = { idleMs: 120_000, requestMs: 300_000, minBytesPerSecond: 64 * 1024 };

/** Weight servers and buckets at lock and push time. */
export const WEIGHTS_LIMITS: Limits = { idleMs: 60_000, requestMs: 60_000, minBytesPerSecond: 16 * 1024 };

/** The deadline, from its start, of an exchange that sends `bodyBytes`. */
export function deadlineMs(limits: Limits, bodyBytes: number): number {
  return limits.requestMs + Math.ceil((bodyBytes / limits.minBytesPerSecond) * 1000);
}

/** Milliseconds as seconds for messages: "300", "0.5". */
export function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
