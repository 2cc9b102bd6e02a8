import { HttpError } from "./errors.ts";
import { readBody } from "./exchange.ts";
import type { StreamedResponse } from "./types.ts";

/** Passes a 2xx answer on; for any other, reads it and throws, quoting the start of its body. */
export async function expectOk(res: StreamedResponse, what: string): Promise<StreamedResponse> {
  if (res.status >= 200 && res.status < 300) return res;
  let detail = "";
  try {
    detail = (await readBody(res, 1 << 20)).toString("utf8").slice(0, 300).trim();
  } catch {
    // The status alone is enough.
  }
  throw new HttpError(res.status, `${what}: HTTP ${res.status} from ${res.url.href}${detail ? `: ${detail}` : ""}`);
}
