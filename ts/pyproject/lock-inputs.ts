import { createHash } from "node:crypto";
import type { CognixConfig } from "../types/cognix.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { COGLET_SDK } from "../generate/resolve/sdk.ts";
import { normalizeName } from "../python/name.ts";
import { parseRequirement } from "../python/pep508.ts";

/** Everything in cognix.json that shapes uv.lock, in the form pyproject.toml states it. */
export interface LockInputs {
  requiresPython: string;
  dependencies: string[];
  indexes: { name: string; url: string; explicit: boolean }[];
  /** Package -> index name, for explicit indexes. */
  sources: Record<string, string>;
  findLinks: string[];
}

const TORCH_FAMILY = ["torch", "torchvision", "torchaudio"];
const TENSORFLOW_NAMES = ["tensorflow", "tensorflow-gpu", "tensorflow-cpu"];

/** "3.12" -> "==3.12.*", "3.12.4" -> "==3.12.4": exactly the Python cog.yaml asks for. */
export function requiresPythonFor(version: string): string {
  return version.split(".").length >= 3 ? `==${version}` : `==${version}.*`;
}

export function lockInputs(cognix: CognixConfig): LockInputs {
  const py = cognix.python;
  const tf = cognix.tensorflow;

  const dependencies: string[] = [];
  for (const line of py.requirements) {
    const req = parseRequirement(line);
    // The SDK (and coglet) come from cognix.json's choice below, as Cog replaces them.
    if (req?.name === "cog" || req?.name === "coglet") continue;
    if (tf !== null && req !== null && TENSORFLOW_NAMES.includes(req.name) && req.url === null) {
      dependencies.push(tf.package);
      continue;
    }
    dependencies.push(line);
  }
  // No version: the newest cog and coglet, as Cog installs them; uv.lock pins
  // what was newest when locked. The floor keeps a lock made when cognix
  // pinned an older SDK from holding on to it. A pinned SDK brings the
  // coglet it requires.
  if (cognix.cog.sdkVersion === null) dependencies.push(`cog>=${COGLET_SDK}`, "coglet");
  else dependencies.push(`cog==${cognix.cog.sdkVersion}`);
  // Replicate runs `pip install cog==X` at start: pip must be in the environment.
  if (!dependencies.some((d) => parseRequirement(d)?.name === "pip")) dependencies.push("pip");

  const indexes: LockInputs["indexes"] = [];
  const sources: Record<string, string> = {};
  const byUrl = new Map<string, string>();
  const addIndex = (name: string, url: string, packages: readonly string[]): void => {
    let indexName = byUrl.get(url);
    if (indexName === undefined) {
      indexName = name;
      // Two indexes with one name would make uv pick one silently.
      for (let n = 2; indexes.some((i) => i.name === indexName); n++) indexName = `${name}-${n}`;
      byUrl.set(url, indexName);
      indexes.push({ name: indexName, url, explicit: packages.length > 0 });
    } else if (packages.length > 0) {
      const existing = indexes.find((i) => i.name === indexName)!;
      existing.explicit = true;
    }
    for (const p of packages) sources[normalizeName(p)] ??= indexName;
  };
  for (const idx of py.indexes) addIndex(idx.name, idx.url, idx.packages);

  const torch = cognix.torch;
  if (torch !== null && torch.indexUrl !== null && !byUrl.has(torch.indexUrl)) {
    const present = TORCH_FAMILY.filter((name) => dependencies.some((d) => parseRequirement(d)?.name === name && parseRequirement(d)?.url === null));
    addIndex(`pytorch-${torch.variant}`, torch.indexUrl, present);
  }

  return {
    requiresPython: requiresPythonFor(py.version),
    dependencies,
    indexes,
    sources,
    findLinks: [...(py.findLinks ?? [])],
  };
}

/** sha256 of the lock inputs: pyproject.toml records it so a stale one is named. */
export function lockInputsSha256(inputs: LockInputs): string {
  return createHash("sha256").update(canonicalJson(inputs)).digest("hex");
}
