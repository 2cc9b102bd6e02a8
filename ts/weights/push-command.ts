import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CommandSpec } from "../cli/spec.ts";
import { UsageError } from "../cli/usage-error.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { modelDir } from "../util/model-root.ts";
import { formatBytes, ProgressLine } from "../util/progress.ts";

const LOCK_FILE = "weights.lock.json";

/** Whether the model's cognix.json declares weights (false when it has no cognix.json). */
function declaresWeights(dir: string): boolean {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, "cognix.json"), "utf8")) as { weights?: unknown };
    return Array.isArray(parsed.weights) && parsed.weights.length > 0;
  } catch {
    return false;
  }
}

/** The lock to push: --lock, else the model's, which must exist for a model with weights. */
function lockPath(cwd: string, given: string | undefined): string {
  if (given !== undefined) return resolve(cwd, given);
  const model = modelDir(cwd);
  const file = join(model.dir, LOCK_FILE);
  if (existsSync(file)) return file;
  const shown = join(model.shown, LOCK_FILE);
  if (!declaresWeights(model.dir)) {
    throw new CognixError({ file: join(model.shown, "cognix.json"), message: "the model declares no weights, so there is nothing to push (cog.yaml `weights:` declares them)" });
  }
  throw new CognixError({ file: shown, message: "not found: run `cognix lock` first, which records each weight file" });
}

/** `cognix push-weights`: the locked weight files to a bucket or registry. */
export const pushWeightsCommand: CommandSpec = {
  name: "push-weights",
  summary: "upload run-time weights to a bucket or registry",
  description:
    "Uploads the locked weight files, skipping those already there (by sha256), and puts the pushed URL first in weights.lock.json so the next image build's run-time manifest downloads from it. The destination may also come from COGNIX_WEIGHTS_DESTINATION. Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL (S3); GOOGLE_OAUTH_ACCESS_TOKEN, STORAGE_EMULATOR_HOST (Cloud Storage; --part-size a multiple of 256 KiB); COGNIX_REGISTRY_USER/PASSWORD (OCI).",
  options: [
    { name: "to", kind: "string", value: "URL", help: "s3://bucket/prefix, gs://bucket/prefix or oci://host/repo[:tag]" },
    { name: "lock", kind: "string", value: "FILE", help: "the weights lock (default: the model's weights.lock.json)" },
    { name: "set", kind: "list", value: "NAME", help: "push only this weight set (repeatable)" },
    { name: "from-dir", kind: "string", value: "DIR", help: "read the files from DIR instead of their sources" },
    { name: "public-base-url", kind: "string", value: "URL", help: "the URL the pushed files are read from, when it is not the destination's" },
    { name: "acl", kind: "string", value: "ACL", help: "canned ACL for S3 objects, e.g. public-read" },
    { name: "part-size", kind: "string", value: "BYTES", help: "upload part size" },
    { name: "jobs", kind: "string", value: "N", help: "files uploaded at once" },
    { name: "json", kind: "boolean", help: "print the pushed files as JSON on stdout" },
  ],
  jsonOption: "json",
  cog: { command: "cog weights import", differs: "Cog pushes weights to its registry as OCI artifacts; cognix pushes the locked files to S3, Cloud Storage or an OCI registry." },
  async run(args, ctx) {
    const { parsePushDestination } = await import("./push-destination.ts");
    const { readLock, writeLock } = await import("./lock-file.ts");
    const { pushWeights } = await import("./push.ts");
    const json = args.flag("json");
    const to = args.string("to") ?? ctx.env["COGNIX_WEIGHTS_DESTINATION"];
    if (to === undefined || to === "") throw new UsageError("a destination is required: --to URL (or COGNIX_WEIGHTS_DESTINATION)");
    const dest = parsePushDestination(to);
    const partSize = args.integer("part-size", { min: 1 });
    const jobs = args.integer("jobs", { min: 1 });
    const file = lockPath(ctx.cwd, args.string("lock"));
    const lock = readLock(file);
    if (Object.keys(lock.sets).length === 0) throw new CognixError({ file, message: "locks no weight sets, so there is nothing to push" });
    const sets = args.list("set");
    const fromDir = args.string("from-dir");
    const publicBaseUrl = args.string("public-base-url");
    const acl = args.string("acl");
    const progress = new ProgressLine(!json && ctx.stderr.isTTY === true, ctx.stderr);
    const result = await pushWeights(lock, dest, {
      env: ctx.env,
      ...(sets.length > 0 ? { sets } : {}),
      ...(fromDir !== undefined ? { fromDir: resolve(ctx.cwd, fromDir) } : {}),
      ...(publicBaseUrl !== undefined ? { publicBaseUrl } : {}),
      ...(acl !== undefined ? { acl } : {}),
      ...(partSize !== undefined ? { partSize } : {}),
      ...(jobs !== undefined ? { concurrency: jobs } : {}),
      onProgress: (e) => progress.update(`push-weights: ${e.done}/${e.total} files, ${formatBytes(e.bytes)} uploaded (${e.file})`, e.done === e.total),
    });
    progress.done();
    writeLock(file, result.lock);
    const uploaded = result.files.filter((f) => f.uploaded);
    if (json) {
      ctx.stdout.write(
        canonicalJson({
          ok: true,
          lockFile: file,
          destination: to,
          files: result.files.map((f) => ({ set: f.set, path: f.path, sha256: f.sha256, size: f.size, url: f.url, uploaded: f.uploaded })),
          manifests: result.manifests,
        }),
      );
    } else {
      ctx.stderr.write(
        `push-weights: ${uploaded.length} uploaded (${formatBytes(uploaded.reduce((a, f) => a + f.size, 0))}), ` +
          `${result.files.length - uploaded.length} already there; updated ${file}\n`,
      );
    }
    return 0;
  },
};
