import { JsonReader, readJsonFile } from "../util/json-input.ts";
import type { ImageConfig } from "./spec-types.ts";

const KNOWN = ["Entrypoint", "Cmd", "Env", "WorkingDir", "ExposedPorts", "Labels", "User"];

/** Reads CONFIG.json (OCI config field names) into a normalised ImageConfig. */
export function readImageConfig(file: string): ImageConfig {
  return parseImageConfig(readJsonFile(file), file);
}

export function parseImageConfig(doc: unknown, file: string): ImageConfig {
  const r = new JsonReader(file);
  const o = r.object(doc, []);
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) r.fail([key], `unknown image config field (known: ${KNOWN.join(", ")})`);
  }
  const out: ImageConfig = {};
  if (o["Entrypoint"] !== undefined && o["Entrypoint"] !== null) out.Entrypoint = r.stringArray(o["Entrypoint"], ["Entrypoint"]);
  if (o["Cmd"] !== undefined && o["Cmd"] !== null) out.Cmd = r.stringArray(o["Cmd"], ["Cmd"]);
  if (o["Env"] !== undefined) out.Env = parseEnv(r, o["Env"]);
  if (o["WorkingDir"] !== undefined) out.WorkingDir = r.string(o["WorkingDir"], ["WorkingDir"]);
  if (o["User"] !== undefined) out.User = r.string(o["User"], ["User"]);
  if (o["ExposedPorts"] !== undefined) out.ExposedPorts = parsePorts(r, o["ExposedPorts"]);
  if (o["Labels"] !== undefined) {
    const labels = r.object(o["Labels"], ["Labels"]);
    out.Labels = {};
    for (const key of Object.keys(labels).sort()) out.Labels[key] = r.string(labels[key], ["Labels", key]);
  }
  return out;
}

/** Env as OCI's "K=V" list; an object form is accepted and sorted by name. */
function parseEnv(r: JsonReader, value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      const s = r.string(v, ["Env", i]);
      if (!/^[^=]+=/.test(s)) r.fail(["Env", i], `expected NAME=value, got ${JSON.stringify(s)}`);
      return s;
    });
  }
  const obj = r.object(value, ["Env"]);
  return Object.keys(obj)
    .sort()
    .map((k) => `${k}=${r.string(obj[k], ["Env", k])}`);
}

/** ExposedPorts as OCI's {"5000/tcp": {}}; a list of port strings is accepted too. */
function parsePorts(r: JsonReader, value: unknown): Record<string, Record<string, never>> {
  const names = Array.isArray(value)
    ? value.map((v, i) => r.string(v, ["ExposedPorts", i]))
    : Object.keys(r.object(value, ["ExposedPorts"]));
  const out: Record<string, Record<string, never>> = {};
  for (const name of names) {
    if (!/^\d+(\/(tcp|udp|sctp))?$/.test(name)) r.fail(["ExposedPorts", name], `expected PORT[/tcp|udp|sctp], got ${JSON.stringify(name)}`);
    out[name.includes("/") ? name : `${name}/tcp`] = {};
  }
  return out;
}
