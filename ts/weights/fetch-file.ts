import { createHash } from "node:crypto";
import { createWriteStream, rmSync } from "node:fs";
import { once } from "node:events";
import { expectOk } from "../http/expect-ok.ts";
import { WEIGHTS_LIMITS } from "../http/limits.ts";
import { openFollowing } from "../http/redirects.ts";

export interface Fetched {
  size: number;
  sha256: string;
}

export interface HashOptions {
  /** Also write the bytes here; the file is removed again on failure. */
  file?: string;
  /** Mode for a newly created `file`. */
  mode?: number;
  onBytes?: (n: number) => void;
  /** Called with the total size once the body has ended; throws to reject it. */
  checkSize?: (size: number) => void;
}

/** Streams `body` through sha256, optionally into a file. */
export async function hashStream(body: AsyncIterable<unknown>, opts: HashOptions = {}): Promise<Fetched> {
  const hash = createHash("sha256");
  const out = opts.file === undefined ? null : createWriteStream(opts.file, opts.mode === undefined ? {} : { mode: opts.mode });
  let size = 0;
  try {
    for await (const chunk of body) {
      const b = chunk as Buffer;
      hash.update(b);
      size += b.length;
      opts.onBytes?.(b.length);
      if (out !== null && !out.write(b)) await once(out, "drain");
    }
    opts.checkSize?.(size);
    if (out !== null) {
      out.end();
      await once(out, "finish");
    }
  } catch (err) {
    out?.destroy();
    if (opts.file !== undefined) rmSync(opts.file, { force: true });
    throw err;
  }
  return { size, sha256: hash.digest("hex") };
}

/**
 * Streams `url` through sha256, into `file` when given (removed again on
 * failure). Used where a source has no hash in its metadata, and by
 * push-weights to copy bytes from the source.
 */
export async function fetchAndHash(
  url: string,
  opts: { headers?: Record<string, string>; file?: string; onBytes?: (n: number) => void } = {},
): Promise<Fetched> {
  const res = await expectOk(
    await openFollowing({ method: "GET", url: new URL(url), headers: { "accept-encoding": "identity", ...opts.headers } }, { limits: WEIGHTS_LIMITS }),
    "download",
  );
  const expected = res.headers["content-length"];
  return hashStream(res.body, {
    ...(opts.file !== undefined ? { file: opts.file } : {}),
    ...(opts.onBytes !== undefined ? { onBytes: opts.onBytes } : {}),
    mode: 0o644,
    checkSize: (size) => {
      if (expected !== undefined && Number(expected) !== size) {
        throw new Error(`download of ${url} ended after ${size} of ${expected} bytes`);
      }
    },
  });
}
