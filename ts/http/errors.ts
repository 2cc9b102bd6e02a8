/** Failures of an exchange, and which of them are worth another attempt. */

/** A non-2xx answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The answer's Retry-After, when the caller honours it. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** A failure worth another attempt that is no HTTP status (a lost upload session). */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "TransientError";
  }
}

/** Network failures worth another attempt. */
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

/** Network trouble, 5xx, 429 and 408 are worth another attempt; anything else is final. */
export function isTransient(err: unknown): boolean {
  if (err instanceof TransientError) return true;
  if (err instanceof HttpError) return err.status >= 500 || err.status === 429 || err.status === 408;
  const code = errorCode(err);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** How long a failure asked to be waited for (Retry-After), if it did. */
export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof HttpError || err instanceof TransientError ? err.retryAfterMs : undefined;
}

/** A deadline that ran out: transient, like a dropped connection. */
export function timedOut(message: string): Error {
  return Object.assign(new Error(message), { code: "ETIMEDOUT" });
}
