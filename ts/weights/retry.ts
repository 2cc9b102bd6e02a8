import { HttpError } from "./request.ts";

/** Whether an error is worth another try: network trouble, 5xx, 429. */
export function isTransient(err: unknown): boolean {
  if (err instanceof HttpError) return err.status >= 500 || err.status === 429 || err.status === 408;
  const code = (err as { code?: string }).code;
  return typeof code === "string" && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_SOCKET)$/.test(code);
}

/** Runs `fn` up to `attempts` times, doubling the delay after each transient failure. */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 4, firstDelayMs = 500): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !isTransient(err)) throw err;
      await new Promise((r) => setTimeout(r, firstDelayMs * 2 ** (i - 1)));
    }
  }
}
