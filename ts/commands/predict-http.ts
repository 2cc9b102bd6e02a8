import { CognixError } from "../util/errors.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the Cog server at `base` reports READY; SETUP_FAILED and
 * timeouts are errors. `stop` ends the wait early (quietly): the caller has
 * stopped waiting for another reason.
 */
export async function waitReady(base: string, timeoutMs: number, pollMs = 500, stop?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (stop?.aborted === true) return;
    try {
      const res = await fetch(`${base}/health-check`);
      const body = (await res.json()) as { status?: string; setup?: { logs?: string } };
      last = body.status ?? `HTTP ${res.status}`;
      if (body.status === "READY") return;
      if (body.status === "SETUP_FAILED") {
        throw new CognixError({ message: `the model's setup() failed:\n${body.setup?.logs ?? "(no logs)"}` });
      }
    } catch (err) {
      if (err instanceof CognixError) throw err;
      // Not listening yet.
    }
    await sleep(pollMs);
  }
  throw new CognixError({ message: `the model did not become ready within ${Math.round(timeoutMs / 1000)}s (last status: ${last})` });
}

export async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new CognixError({ message: `GET ${url}: HTTP ${res.status}` });
  return res.json();
}

export interface Prediction {
  status: string;
  output?: unknown;
  error?: string | null;
  logs?: string;
}

/** POST /predictions and the finished prediction, whatever its status; a refused request is a user error. */
export async function postPrediction(base: string, input: Record<string, unknown>): Promise<Prediction> {
  const res = await fetch(`${base}/predictions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ input }),
  });
  const body = (await res.json().catch(() => ({}))) as Prediction & { detail?: unknown };
  if (res.status === 422) throw new CognixError({ message: `the model rejected the input: ${JSON.stringify(body.detail ?? body)}` });
  if (!res.ok) throw new CognixError({ message: `POST /predictions: HTTP ${res.status}: ${JSON.stringify(body)}` });
  return body;
}

/** POST /predictions and the finished prediction; a failed one is a user error with its logs. */
export async function runPrediction(base: string, input: Record<string, unknown>): Promise<Prediction> {
  const body = await postPrediction(base, input);
  if (body.status !== "succeeded") {
    throw new CognixError({ message: `prediction ${body.status}: ${body.error ?? "(no error message)"}${body.logs ? `\n${body.logs}` : ""}` });
  }
  return body;
}
