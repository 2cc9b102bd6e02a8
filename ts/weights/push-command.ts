import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { CognixError } from "../util/errors.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { reportError } from "../util/report-error.ts";
import { LOCK_FILE_NAME, readLock, writeLock } from "./lock-file.ts";
import { formatBytes, ProgressLine } from "../util/progress.ts";
import { parsePushDestination } from "./push-destination.ts";
import { pushWeights } from "./push.ts";
import { parseArgsMessage } from "../util/parse-args-message.ts";

const USAGE = `usage: cognix push-weights --to s3://bucket/prefix | gs://bucket/prefix | oci://host/repo[:tag]
         [--lock weights.lock.json] [--set NAME]... [--from-dir DIR] [--public-base-url URL] [--acl public-read]
         [--part-size BYTES] [--jobs N] [--json]

Uploads the locked weight files, skipping those already there (by sha256), and
puts the pushed URL first in weights.lock.json so the next image build's
run-time manifest downloads from it. The destination may also come from
COGNIX_WEIGHTS_DESTINATION. Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_ENDPOINT_URL (S3); GOOGLE_OAUTH_ACCESS_TOKEN, STORAGE_EMULATOR_HOST (Cloud
Storage; --part-size a multiple of 256 KiB); COGNIX_REGISTRY_USER/PASSWORD (OCI).`;

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new CognixError({ path: [flag], message: `must be a positive integer, got ${JSON.stringify(value)}` }, 2);
  return n;
}

/** `cognix push-weights`: returns the process exit code. */
export async function pushWeightsCommand(argv: string[]): Promise<number> {
  let json = argv.includes("--json");
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        options: {
          to: { type: "string" },
          lock: { type: "string", default: LOCK_FILE_NAME },
          set: { type: "string", multiple: true },
          "from-dir": { type: "string" },
          "public-base-url": { type: "string" },
          acl: { type: "string" },
          "part-size": { type: "string" },
          jobs: { type: "string" },
          json: { type: "boolean", default: false },
          help: { type: "boolean", short: "h", default: false },
        },
        strict: true,
      });
    } catch (err) {
      throw new CognixError({ message: `${parseArgsMessage(err)}\n${USAGE}` }, 2);
    }
    const v = parsed.values;
    json = v.json === true;
    if (v.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const to = v.to ?? process.env.COGNIX_WEIGHTS_DESTINATION;
    if (!to) throw new CognixError({ path: ["--to"], message: `a destination is required\n${USAGE}` }, 2);
    const dest = parsePushDestination(to);
    const lockPath = resolve(v.lock ?? LOCK_FILE_NAME);
    const lock = readLock(lockPath);
    const partSize = positiveInt(v["part-size"], "--part-size");
    const jobs = positiveInt(v.jobs, "--jobs");
    const progress = ProgressLine.forStderr(json);
    const result = await pushWeights(lock, dest, {
      ...(v.set ? { sets: v.set } : {}),
      ...(v["from-dir"] ? { fromDir: resolve(v["from-dir"]) } : {}),
      ...(v["public-base-url"] ? { publicBaseUrl: v["public-base-url"] } : {}),
      ...(v.acl ? { acl: v.acl } : {}),
      ...(partSize ? { partSize } : {}),
      ...(jobs ? { concurrency: jobs } : {}),
      onProgress: (e) => progress.update(`push-weights: ${e.done}/${e.total} files, ${formatBytes(e.bytes)} uploaded (${e.file})`, e.done === e.total),
    });
    progress.done();
    writeLock(lockPath, result.lock);
    const uploaded = result.files.filter((f) => f.uploaded);
    if (json) {
      process.stdout.write(
        canonicalJson({
          ok: true,
          lockFile: lockPath,
          destination: to,
          files: result.files.map((f) => ({ set: f.set, path: f.path, sha256: f.sha256, size: f.size, url: f.url, uploaded: f.uploaded })),
          manifests: result.manifests,
        }),
      );
    } else {
      process.stderr.write(
        `push-weights: ${uploaded.length} uploaded (${formatBytes(uploaded.reduce((a, f) => a + f.size, 0))}), ` +
          `${result.files.length - uploaded.length} already there; updated ${lockPath}\n`,
      );
    }
    return 0;
  } catch (err) {
    return reportError(err, json, "push-weights");
  }
}
