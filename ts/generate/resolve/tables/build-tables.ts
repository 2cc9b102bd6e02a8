/**
 * Builds tables.generated.ts from Cog's compatibility facts
 * (../shared/data/cog beside the checkout, or the directory given as the first argument).
 *
 *   npx tsx ts/generate/resolve/tables/build-tables.ts [DATA_DIR]
 *
 * The output is our own format: torch releases grouped by version, CUDA
 * versions with the cuDNN majors Cog has base images for, TensorFlow builds.
 * Torch variants whose CUDA has no Cog base image are dropped, as Cog drops
 * them when it loads its matrix.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../../../util/atomic-write.ts";
import { EXTRA_TORCH_PYTHONS } from "./torch-pythons.ts";

interface CogTorch {
  Torch: string;
  Torchvision: string;
  Torchaudio: string;
  FindLinks: string;
  ExtraIndexURL: string;
  CUDA: string | null;
  Pythons: string[];
}
interface CogTf { TF: string; TFCPUPackage: string; TFGPUPackage: string; CUDA: string; CuDNN: string; Pythons: string[] }
interface CogCuda { Tag: string; CUDA: string; CuDNN: string; IsDevel: boolean; Ubuntu: string }

// Cog's tables live beside the checkout (../shared/data/cog from the repository root).
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("../../../../../shared/data/cog", import.meta.url));
export const GENERATED_PATH = join(dirname(fileURLToPath(import.meta.url)), "tables.generated.ts");

function nums(v: string): number[] {
  return v.split("+")[0]!.split(".").map((p) => Number.parseInt(p, 10));
}
function cmp(a: string, b: string): number {
  const x = nums(a);
  const y = nums(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
const minor = (v: string): string => nums(v).slice(0, 2).join(".");
const sortedUnique = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(cmp);

/** The text of tables.generated.ts for the Cog data in `dataDir`. */
export function renderTables(dataDir: string): string {
  const readJson = <T,>(name: string): T => JSON.parse(readFileSync(join(dataDir, name), "utf8")) as T;
  const cudaImages = readJson<CogCuda[]>("cuda_compatibility.json");
  const torchRows = readJson<CogTorch[]>("torch_compatibility.json");
  const tfRows = readJson<CogTf[]>("tf_compatibility.json");

  // CUDA: every full version Cog has a base image for, with its cuDNN majors.
  const cudaMap = new Map<string, Set<string>>();
  for (const img of cudaImages) {
    const set = cudaMap.get(img.CUDA) ?? new Set<string>();
    set.add(img.CuDNN);
    cudaMap.set(img.CUDA, set);
  }
  const cuda = [...cudaMap.keys()].sort(cmp).map((v) => ({ version: v, cudnn: sortedUnique(cudaMap.get(v)!) }));
  const cudaMinors = new Set(cuda.map((c) => minor(c.version)));

  // Torch: grouped by release; variant named after its index (cpu, cuXYZ, or pypi without one).
  interface Variant { variant: string; cuda: string | null; torch: string; torchvision: string; indexUrl: string | null }
  interface Release { torch: string; torchvision: string; torchaudio: string; pythons: string[]; variants: Variant[] }
  const releases = new Map<string, Release>();
  for (const row of torchRows) {
    if (row.CUDA !== null && !cudaMinors.has(minor(row.CUDA))) continue;
    if (row.FindLinks !== "") throw new Error(`unexpected FindLinks for ${row.Torch}`);
    const version = row.Torch.split("+")[0]!;
    const indexUrl = row.ExtraIndexURL === "" ? null : row.ExtraIndexURL.replace(/\/+$/, "");
    const variant = indexUrl === null ? "pypi" : indexUrl.slice(indexUrl.lastIndexOf("/") + 1);
    const rel = releases.get(version) ?? {
      torch: version,
      torchvision: row.Torchvision.split("+")[0]!,
      torchaudio: row.Torchaudio.split("+")[0]!,
      pythons: [],
      variants: [],
    };
    rel.pythons = sortedUnique([...rel.pythons, ...row.Pythons, ...(EXTRA_TORCH_PYTHONS[minor(version)] ?? [])]);
    rel.variants.push({ variant, cuda: row.CUDA, torch: row.Torch, torchvision: row.Torchvision, indexUrl });
    releases.set(version, rel);
  }
  const torch = [...releases.values()].sort((a, b) => cmp(a.torch, b.torch));
  for (const rel of torch) {
    rel.variants.sort((a, b) => (a.cuda === null ? -1 : b.cuda === null ? 1 : cmp(a.cuda, b.cuda) || (a.variant < b.variant ? -1 : 1)));
  }

  // TensorFlow: CUDA kept to major.minor and cuDNN to its major, as Cog reads them.
  const tensorflow = tfRows
    .map((r) => ({
      version: r.TF,
      cuda: minor(r.CUDA),
      cudnn: String(nums(r.CuDNN)[0]),
      cpuPackage: r.TFCPUPackage,
      gpuPackage: r.TFGPUPackage,
      pythons: sortedUnique(r.Pythons),
    }))
    .sort((a, b) => cmp(a.version, b.version));

  /** One entry a line; a torch release's variants one a line below it. */
  function lines(items: readonly object[]): string {
    const render = (item: object): string => {
      if (!("variants" in item)) return JSON.stringify(item);
      const { variants, ...head } = item as Release;
      const v = variants.map((x) => `      ${JSON.stringify(x)}`).join(",\n");
      return `${JSON.stringify(head).slice(0, -1)},\n    "variants": [\n${v}\n    ]}`;
    };
    return `[\n${items.map((i) => `  ${render(i)}`).join(",\n")},\n]`;
  }

  const source = readFileSync(join(dataDir, "SOURCE_COMMIT"), "utf8").trim();
  return [
    `// Generated by build-tables.ts from Cog's compatibility data (${source}).`,
    "// Do not edit by hand; rerun the script instead.",
    'import type { CudaVersion, TensorflowBuild, TorchRelease } from "./types.ts";',
    "",
    `export const CUDA_VERSIONS: readonly CudaVersion[] = ${lines(cuda)};`,
    "",
    `export const TORCH_RELEASES: readonly TorchRelease[] = ${lines(torch)};`,
    "",
    `export const TENSORFLOW_BUILDS: readonly TensorflowBuild[] = ${lines(tensorflow)};`,
    "",
  ].join("\n");
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileAtomic(GENERATED_PATH, renderTables(process.argv[2] ?? DEFAULT_DATA_DIR));
  process.stdout.write(`wrote ${GENERATED_PATH}\n`);
}
