import { goJson, goObject, type GoObject, type GoValue } from "./go-json.ts";
import type { Resolved } from "./index.ts";

/*
 * Mirrors Cog's Config struct (pkg/config/config.go) as `cog build` marshals it
 * into the run.cog.config label: fields in struct order, `omitempty` fields
 * left out when empty, `run` folded into `predict`, string build.run items as
 * {"command": …}, and cuda/cudnn completed for GPU builds.
 */

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => v !== null && typeof v === "object" && !Array.isArray(v);
const record = (v: unknown): Raw => (isRecord(v) ? v : {});

/** A Go `string` field: YAML scalars keep their text, anything else is the zero value. */
function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return "";
}
/** `string,omitempty` */
const optStr = (v: unknown): string | undefined => (str(v) === "" ? undefined : str(v));
/** `[]string,omitempty` */
function optStrings(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v.map(str);
}
/** `[]T,omitempty` */
function optList(v: unknown, item: (x: unknown) => GoValue): GoValue[] | undefined {
  return Array.isArray(v) && v.length > 0 ? v.map(item) : undefined;
}

function runItem(v: unknown): GoObject {
  if (typeof v === "string") return goObject([["command", v === "" ? undefined : v]]);
  const r = record(v);
  return goObject([
    ["command", optStr(r.command)],
    ["mounts", optList(r.mounts, (m) => {
      const mount = record(m);
      return goObject([["type", optStr(mount.type)], ["id", optStr(mount.id)], ["target", optStr(mount.target)]]);
    })],
  ]);
}

function weightSourceItem(v: unknown): GoObject {
  const s = record(v);
  return goObject([["uri", optStr(s.uri)], ["include", optStrings(s.include)], ["exclude", optStrings(s.exclude)]]);
}

/** WeightSourceList marshals one item as an object, otherwise as a list (null when absent). */
function weightSource(v: unknown): GoValue {
  const items = Array.isArray(v) ? v : isRecord(v) ? [v] : [];
  if (items.length === 1) return weightSourceItem(items[0]);
  return items.length === 0 ? null : items.map(weightSourceItem);
}

function build(raw: Raw, resolved: Resolved): GoObject {
  const gpu = raw.gpu === true;
  const cuda = gpu && resolved.cuda ? resolved.cuda.version : optStr(raw.cuda);
  const cudnn = gpu && resolved.cuda ? resolved.cuda.cudnn : optStr(raw.cudnn);
  return goObject([
    ["gpu", gpu ? true : undefined],
    ["python_version", optStr(raw.python_version)],
    ["python_requirements", optStr(raw.python_requirements)],
    ["python_packages", optStrings(raw.python_packages)],
    ["run", optList(raw.run, runItem)],
    ["system_packages", optStrings(raw.system_packages)],
    ["pre_install", optStrings(raw.pre_install)],
    ["cuda", cuda],
    ["cudnn", cudnn],
    ["sdk_version", optStr(raw.sdk_version)],
  ]);
}

/** Content of the run.cog.config label, byte for byte as `cog build` writes it. */
export function cogConfigLabel(raw: unknown, resolved: Resolved): string {
  const cfg = record(raw);
  const run = optStr(cfg.run);
  let concurrency: GoValue | undefined;
  if (cfg.concurrency !== undefined && cfg.concurrency !== null) {
    const max = record(cfg.concurrency).max;
    concurrency = goObject([["max", typeof max === "number" && Math.trunc(max) !== 0 ? Math.trunc(max) : undefined]]);
  }
  return goJson(
    goObject([
      ["build", build(record(cfg.build), resolved)],
      ["image", optStr(cfg.image)],
      ["model", optStr(cfg.model)],
      ["predict", run ?? optStr(cfg.predict)],
      ["train", optStr(cfg.train)],
      ["concurrency", concurrency],
      ["environment", optStrings(cfg.environment)],
      ["weights", optList(cfg.weights, (w) => {
        const weight = record(w);
        return goObject([["name", str(weight.name)], ["target", str(weight.target)], ["source", weightSource(weight.source)]]);
      })],
    ]),
  );
}
