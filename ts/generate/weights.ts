import { existsSync, realpathSync } from "node:fs";
import { posix, resolve } from "node:path";
import { CognixError, type Problem } from "../util/errors.ts";
import { parseSourceUri } from "../weights/source-uri.ts";
import { within } from "./project-file.ts";
import type { Weight } from "../types/cog-yaml.ts";
import type { CognixConfig } from "../types/cognix.ts";
import type { YamlSource } from "./yaml-source.ts";

export type WeightEntry = CognixConfig["weights"][number];

function checkPatterns(src: YamlSource, base: (string | number)[], patterns: readonly string[] | undefined, problems: Problem[]): void {
  (patterns ?? []).forEach((raw, i) => {
    const loc = src.locate([...base, i]);
    const p = raw.trim();
    if (p === "") problems.push({ ...loc, message: "pattern must not be empty" });
    else if (p.startsWith("!")) problems.push({ ...loc, message: "negation patterns (starting with '!') are not supported" });
    else if (p.includes("\\")) problems.push({ ...loc, message: "patterns must use forward slashes, not backslashes" });
  });
}

/**
 * Normalises `weights` (current `{name, target, source}` form and the older
 * `{source: path}` form) and applies Cog's rules: unique names, absolute,
 * unique and disjoint targets.
 */
export function normalizeWeights(src: YamlSource, projectRoot: string, weights: readonly Weight[], problems: Problem[]): WeightEntry[] {
  const out: WeightEntry[] = [];
  const names = new Set<string>();
  const targets: string[] = [];
  weights.forEach((w, i) => {
    const at = (...rest: (string | number)[]): (string | number)[] => ["weights", i, ...rest];
    let entry: WeightEntry;
    if (typeof w.source === "string") {
      // Older form: a path in the model directory, name and target defaulted from it.
      const base = posix.basename(w.source.replace(/\/+$/, ""));
      const abs = resolve(projectRoot, w.source);
      if (w.source.trim() === "" || abs === projectRoot || !within(projectRoot, abs)) {
        problems.push({ ...src.locate(at("source")), message: `must name a file or directory inside the model directory, not ${JSON.stringify(w.source)}` });
      } else if (!existsSync(abs)) {
        problems.push({ ...src.locate(at("source")), message: `${w.source} not found in the model directory` });
      } else if (!within(projectRoot, realpathSync(abs))) {
        problems.push({ ...src.locate(at("source")), message: `${w.source} links outside the model directory` });
      }
      entry = { name: w.name ?? base.toLowerCase(), source: w.source, target: w.target ?? `/cache/${base}` };
    } else {
      const sources = Array.isArray(w.source) ? w.source : [w.source];
      if (w.name === undefined) problems.push({ ...src.locate(at()), message: "name is required" });
      if (w.target === undefined) problems.push({ ...src.locate(at()), message: "target is required" });
      if (sources.length > 1) {
        problems.push({ ...src.locate(at("source")), message: "a weight with several sources is not supported; split it into one weight per source" });
      }
      const s = sources[0];
      if (s === undefined) return;
      const sp = Array.isArray(w.source) ? at("source", 0) : at("source");
      try {
        parseSourceUri(s.uri);
      } catch (err) {
        if (!(err instanceof CognixError)) throw err;
        problems.push({ ...src.locate([...sp, "uri"]), message: err.problems.map((p) => p.message).join("; ") });
      }
      checkPatterns(src, [...sp, "include"], s.include, problems);
      checkPatterns(src, [...sp, "exclude"], s.exclude, problems);
      entry = { name: w.name ?? "", source: s.uri, target: w.target ?? "" };
      if (s.include !== undefined) entry.include = s.include.map((p) => p.trim());
      if (s.exclude !== undefined) entry.exclude = s.exclude.map((p) => p.trim());
    }
    if (names.has(entry.name)) problems.push({ ...src.locate(at("name")), message: `duplicate weight name "${entry.name}"` });
    names.add(entry.name);
    if (w.target !== undefined && w.target.trim() === "") {
      problems.push({ ...src.locate(at("target")), message: "must not be empty: give the absolute directory the files go to" });
    } else if (entry.target !== "") {
      const tloc = src.locate(at("target"));
      const cleaned = posix.normalize(entry.target).replace(/(.)\/$/, "$1");
      if (!posix.isAbsolute(entry.target)) problems.push({ ...tloc, message: `target must be an absolute path, not ${JSON.stringify(entry.target)}` });
      else if (cleaned === "/") problems.push({ ...tloc, message: 'target must not be the container root "/"' });
      else if (targets.includes(cleaned)) problems.push({ ...tloc, message: `duplicate weight target "${entry.target}"` });
      else {
        const overlap = targets.find((t) => cleaned.startsWith(`${t}/`) || t.startsWith(`${cleaned}/`));
        if (overlap !== undefined) problems.push({ ...tloc, message: `target overlaps with "${overlap}"; weight targets must be disjoint` });
        targets.push(cleaned);
      }
    }
    out.push(entry);
  });
  return out;
}
