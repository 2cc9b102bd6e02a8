import type { Args } from "../cli/args.ts";
import type { OptionSpec } from "../cli/option-spec.ts";
import { DEFAULT_PUSH_JOBS } from "./push-defaults.ts";
import type { PushOptions } from "./push.ts";

/** The options of a push, declared once for the image tool's `push` and `cognix push`, which passes them on. */
export const PUSH_OPTIONS: readonly OptionSpec[] = [
  { name: "insecure", kind: "boolean", help: "plain HTTP to the registry (implied for localhost and 127.0.0.1, as Docker does)" },
  { name: "jobs", short: "j", kind: "string", value: "N", help: `layers compressed and uploaded at once, 1 to 64 (default ${DEFAULT_PUSH_JOBS})` },
  { name: "compression", kind: "string", value: "gzip|zstd", help: "layer compression (default gzip)" },
  { name: "cache-dir", kind: "string", value: "DIR", help: "where compressed digests are remembered (default ~/.cache/cognix)" },
  { name: "auth-file", kind: "string", value: "FILE", help: "registry credentials (default: the docker config, $REGISTRY_AUTH_FILE)", aliases: ["authfile"] },
  { name: "timeout", kind: "string", value: "SECONDS", help: "deadline of each registry request, 1 to 86400 (plus time for its body)" },
  { name: "json", kind: "boolean", help: "print the pushed digest and layers as JSON on stdout" },
];

/** What the push options say, checked; `ref` and the image come from the caller. */
export type PushArgs = Pick<PushOptions, "insecure" | "jobs" | "compression" | "cacheDir" | "authFile" | "timeoutSeconds">;

export function pushArgs(args: Args): PushArgs {
  const out: PushArgs = { insecure: args.flag("insecure") };
  const jobs = args.integer("jobs", { min: 1, max: 64 });
  if (jobs !== undefined) out.jobs = jobs;
  const compression = args.choice("compression", ["gzip", "zstd"] as const);
  if (compression !== undefined) out.compression = compression;
  const timeout = args.integer("timeout", { min: 1, max: 86_400 });
  if (timeout !== undefined) out.timeoutSeconds = timeout;
  const cacheDir = args.string("cache-dir");
  if (cacheDir !== undefined) out.cacheDir = cacheDir;
  const authFile = args.string("auth-file");
  if (authFile !== undefined) out.authFile = authFile;
  return out;
}

/** The same options as a command line for the image tool (`RESULT push`), paths made absolute by the caller. */
export function pushToolArgs(p: PushArgs, json: boolean): string[] {
  return [
    ...(p.insecure === true ? ["--insecure"] : []),
    ...(p.jobs !== undefined ? ["--jobs", String(p.jobs)] : []),
    ...(p.compression !== undefined ? ["--compression", p.compression] : []),
    ...(p.timeoutSeconds !== undefined ? ["--timeout", String(p.timeoutSeconds)] : []),
    ...(p.cacheDir !== undefined ? ["--cache-dir", p.cacheDir] : []),
    ...(p.authFile !== undefined ? ["--auth-file", p.authFile] : []),
    ...(json ? ["--json"] : []),
  ];
}
