import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolve, type Requirement } from "../index.ts";
import { SUPPORTED_PYTHONS } from "../python.ts";
import { DEFAULT_DATA_DIR, GENERATED_PATH, renderTables } from "../tables/build-tables.ts";
import { TORCH_RELEASES } from "../tables/tables.generated.ts";

/*
 * The oracle: Cog's own tables from ../shared/data/cog beside the checkout, read raw and
 * evaluated with a direct, independent reading of Cog's rules.
 */
const DATA = DEFAULT_DATA_DIR;
const missing = !existsSync(join(DATA, "torch_compatibility.json"));
if (missing) console.warn(`skipping table tests: ${DATA}/torch_compatibility.json is missing`);

interface Row { Torch: string; Torchvision: string; ExtraIndexURL: string; CUDA: string | null; Pythons: string[] }
interface Img { CUDA: string; CuDNN: string }
interface Tf { TF: string; CUDA: string; CuDNN: string; Pythons: string[] }
const read = <T>(f: string): T => JSON.parse(readFileSync(join(DATA, f), "utf8")) as T;

const num = (v: string): number[] => v.split("+")[0]!.split(".").map(Number);
const cmp = (a: string, b: string): number => {
  const x = num(a), y = num(b);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};
const mm = (v: string): string => num(v).slice(0, 2).join(".");

function oracle() {
  const imgs = read<Img[]>("cuda_compatibility.json");
  const minors = new Set(imgs.map((i) => mm(i.CUDA)));
  const rows = read<Row[]>("torch_compatibility.json").filter((r) => r.CUDA === null || minors.has(mm(r.CUDA)));
  const cudnnFor = (cuda: string): string =>
    imgs.filter((i) => mm(i.CUDA) === mm(cuda)).map((i) => i.CuDNN).sort(cmp).pop()!;
  const wheel = (version: string, cuda: string): Row | undefined =>
    rows
      .filter((r) => r.CUDA !== null && r.Torch.split("+")[0] === version && cmp(r.CUDA, cuda) <= 0)
      .sort((a, b) => cmp(a.CUDA!, b.CUDA!))
      .pop();
  const url = (r: Row | undefined): string | null => (r && r.ExtraIndexURL !== "" ? r.ExtraIndexURL.replace(/\/$/, "") : null);
  return { imgs, rows, cudnnFor, wheel, url, tf: read<Tf[]>("tf_compatibility.json") };
}

const req = (text: string): Requirement => ({ text, loc: { file: "requirements.txt", line: 1 } });

describe.skipIf(missing)("resolution against Cog's tables", () => {
  const o = missing ? null! : oracle();
  const versions = missing ? [] : [...new Set(o.rows.map((r) => r.Torch.split("+")[0]!))];

  it("tables.generated.ts is what build-tables.ts makes of the shared data", () => {
    expect(renderTables(DATA)).toBe(readFileSync(GENERATED_PATH, "utf8"));
  });

  it("covers every torch release of the table, 1.11 through 2.9+", () => {
    expect(versions).toContain("1.11.0");
    expect(versions.some((v) => cmp(v, "2.9.0") >= 0)).toBe(true);
    expect(TORCH_RELEASES.map((r) => r.torch).sort(cmp)).toEqual([...versions].sort(cmp));
  });

  it("GPU: every torch version gets Cog's CUDA, cuDNN, wheel and index", () => {
    for (const v of versions) {
      const gpuRows = o.rows.filter((r) => r.CUDA !== null && r.Torch.split("+")[0] === v);
      const cuda = gpuRows.map((r) => r.CUDA!).sort(cmp).pop()!;
      const w = o.wheel(v, cuda)!;
      const out = resolve({ gpu: true, pythonVersion: w.Pythons[0]!, pythonVersionLoc: {}, requirements: [req(`torch==${v}`)] });
      expect(out.cuda, v).toEqual({ version: cuda, cudnn: o.cudnnFor(cuda) });
      expect(out.torch?.indexUrl, v).toBe(o.url(w));
      expect(out.torch?.version, v).toBe(w.Torch.split("+")[0]);
      expect(out.requirements, v).toEqual([`torch==${w.Torch.split("+")[0]}`]);
      expect(out.indexes, v).toEqual(o.url(w) === null ? [] : [{ name: `pytorch-${o.url(w)!.split("/").pop()}`, url: o.url(w), packages: ["torch"] }]);
    }
  });

  it("GPU with a pinned cuda: the wheel with the highest CUDA not above it", () => {
    const cudas = [...new Set(o.rows.flatMap((r) => (r.CUDA ? [r.CUDA] : [])))];
    for (const v of versions) {
      for (const cuda of cudas) {
        const w = o.wheel(v, cuda);
        const py = o.rows.find((r) => r.Torch.split("+")[0] === v)!.Pythons[0]!;
        const out = resolve({ gpu: true, pythonVersion: py, pythonVersionLoc: {}, requirements: [req(`torch==${v}`)], cuda: { value: cuda, loc: {} } });
        expect(out.cuda?.version).toBe(cuda);
        expect(out.torch?.indexUrl, `${v} on ${cuda}`).toBe(o.url(w));
        expect(out.torch?.variant, `${v} on ${cuda}`).toBe(w ? (o.url(w)?.split("/").pop() ?? "pypi") : "pypi");
        // Cog warns when no wheel was built for exactly this CUDA minor.
        const exact = o.rows.some((r) => r.CUDA === cuda && r.Torch.split("+")[0] === v);
        expect(out.warnings.some((m) => m.message.includes("Cog doesn't know if CUDA")), `${v} on ${cuda}`).toBe(!exact);
      }
    }
  });

  it("CPU: every torch version comes from its +cpu wheel on /whl/cpu", () => {
    for (const v of versions) {
      const row = o.rows.find((r) => r.CUDA === null && r.Torch.split("+")[0] === v)!;
      const out = resolve({ gpu: false, pythonVersion: row.Pythons[0]!, pythonVersionLoc: {}, requirements: [req(`torch==${v}`), req(`torchvision==${row.Torchvision.split("+")[0]}`)] });
      expect(out.cuda).toBeNull();
      expect(out.torch?.indexUrl).toBe(o.url(row));
      expect(out.torch?.variant).toBe("cpu");
      expect(out.requirements).toEqual([`torch==${v}`, `torchvision==${row.Torchvision}`]);
      expect(out.indexes).toEqual([{ name: "pytorch-cpu", url: o.url(row), packages: ["torch", "torchvision"] }]);
    }
  });

  it("TensorFlow: CUDA major.minor and cuDNN major from its entry", () => {
    for (const t of o.tf) {
      const usable = t.Pythons.filter((p) => SUPPORTED_PYTHONS.includes(p));
      // TensorFlow 2.4 has wheels only for Pythons cognix does not build.
      if (usable.length === 0) {
        expect(() => resolve({ gpu: true, pythonVersion: t.Pythons[t.Pythons.length - 1]!, pythonVersionLoc: {}, requirements: [req(`tensorflow==${t.TF}`)] }), t.TF).toThrow(/is not supported/);
        continue;
      }
      const py = usable.includes("3.10") ? "3.10" : usable[usable.length - 1]!;
      // 3.9 needs an interpreter from the flake; here it is given.
      const out = resolve({ gpu: true, pythonVersion: py, pythonVersionLoc: {}, requirements: [req(`tensorflow==${t.TF}`)], interpreterFromFlake: true });
      expect(out.cuda, t.TF).toEqual({ version: mm(t.CUDA), cudnn: String(num(t.CuDNN)[0]) });
      expect(out.tensorflow).toEqual({ version: t.TF, package: `tensorflow==${t.TF}` });
    }
  });

  it("never rejects a Python that Cog's table lists for a torch build", () => {
    for (const r of o.rows) {
      const release = TORCH_RELEASES.find((x) => x.torch === r.Torch.split("+")[0])!;
      for (const py of r.Pythons) expect(release.pythons, r.Torch).toContain(py);
    }
  });
});
