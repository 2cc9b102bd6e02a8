/**
 * Synthetic but realistic Cog model closures (sizes in the range of a CUDA
 * torch image) for layering benchmarks. Store path hashes depend on name,
 * build salt and the hashes of references, so a change ripples to dependents
 * exactly as it does in Nix.
 */
import { createHash } from "node:crypto";
import type { ClosureNode } from "../ts/image/spec-types.ts";

const MB = 1_000_000;

export interface PkgDef {
  name: string;
  size: number;
  refs: string[];
  salt?: string;
}

export interface Closure {
  nodes: ClosureNode[];
  pathOf(name: string): string;
}

export function buildClosure(defs: PkgDef[]): Closure {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const paths = new Map<string, string>();
  const pathOf = (name: string): string => {
    const known = paths.get(name);
    if (known !== undefined) return known;
    const d = byName.get(name);
    if (d === undefined) throw new Error(`unknown package ${name}`);
    const h = createHash("sha256").update(`${name}\0${d.salt ?? ""}\0${d.refs.map(pathOf).sort().join(",")}`).digest("hex").slice(0, 32);
    const p = `/nix/store/${h}-${name}`;
    paths.set(name, p);
    return p;
  };
  const nodes = defs.map((d) => ({ path: pathOf(d.name), narSize: d.size, references: d.refs.map(pathOf).sort() }));
  return { nodes, pathOf };
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Variant {
  gpu: boolean;
  /** Package name → replacement version string (a bump). */
  bump?: Record<string, string>;
  /** Extra python packages. */
  add?: string[];
  srcSalt?: string;
  weightsSalt?: string;
}

const SYSTEM: [string, number, string[]][] = [
  ["glibc-2.40-66", 30 * MB, []],
  ["gcc-14-lib-14.2.1", 8 * MB, ["glibc-2.40-66"]],
  ["zlib-1.3.1", 0.15 * MB, ["glibc-2.40-66"]],
  ["xz-5.6.3", 0.9 * MB, ["glibc-2.40-66"]],
  ["bzip2-1.0.8", 0.2 * MB, ["glibc-2.40-66"]],
  ["openssl-3.3.2", 6 * MB, ["glibc-2.40-66"]],
  ["libffi-3.4.6", 0.2 * MB, ["glibc-2.40-66"]],
  ["ncurses-6.4", 3 * MB, ["glibc-2.40-66"]],
  ["readline-8.2p13", 0.9 * MB, ["glibc-2.40-66", "ncurses-6.4"]],
  ["sqlite-3.46.1", 3 * MB, ["glibc-2.40-66", "zlib-1.3.1", "readline-8.2p13"]],
  ["expat-2.6.4", 0.4 * MB, ["glibc-2.40-66"]],
  ["mailcap-2.1.54", 0.1 * MB, []],
  ["tzdata-2024b", 2 * MB, []],
  ["libxcrypt-4.4.36", 0.3 * MB, ["glibc-2.40-66"]],
  ["bash-5.2p37", 6 * MB, ["glibc-2.40-66"]],
  ["coreutils-9.5", 17 * MB, ["glibc-2.40-66", "openssl-3.3.2"]],
  ["tini-0.19.0", 0.9 * MB, []],
  ["cacert-3.104", 0.5 * MB, []],
  ["libjpeg-turbo-3.0.4", 2 * MB, ["glibc-2.40-66"]],
  ["libpng-1.6.44", 0.5 * MB, ["glibc-2.40-66", "zlib-1.3.1"]],
  ["openblas-0.3.28", 40 * MB, ["glibc-2.40-66", "gcc-14-lib-14.2.1"]],
  ["python3-3.11.10", 105 * MB, ["glibc-2.40-66", "zlib-1.3.1", "xz-5.6.3", "bzip2-1.0.8", "openssl-3.3.2", "libffi-3.4.6", "ncurses-6.4", "readline-8.2p13", "sqlite-3.46.1", "expat-2.6.4", "mailcap-2.1.54", "tzdata-2024b", "libxcrypt-4.4.36", "bash-5.2p37"]],
];

const BIG_PY: [string, string, number, string[]][] = [
  ["numpy", "2.1.3", 60 * MB, ["openblas-0.3.28"]],
  ["scipy", "1.14.1", 110 * MB, ["numpy", "openblas-0.3.28"]],
  ["pandas", "2.2.3", 70 * MB, ["numpy", "python-dateutil", "pytz"]],
  ["transformers", "4.46.3", 60 * MB, ["numpy", "tokenizers", "huggingface-hub", "safetensors", "regex", "pyyaml", "requests", "tqdm", "filelock", "packaging"]],
  ["tokenizers", "0.20.3", 10 * MB, ["huggingface-hub"]],
  ["pillow", "11.0.0", 12 * MB, ["libjpeg-turbo-3.0.4", "libpng-1.6.44"]],
  ["opencv-python-headless", "4.10.0.84", 90 * MB, ["numpy"]],
  ["sympy", "1.13.1", 70 * MB, ["mpmath"]],
  ["networkx", "3.4.2", 12 * MB, []],
  ["pydantic-core", "2.23.4", 5 * MB, ["typing-extensions"]],
  ["coglet", "0.1.5", 5 * MB, []],
];

/** Small pure-python packages with a few references among themselves. */
const SMALL_PY = [
  "requests", "urllib3", "certifi", "idna", "charset-normalizer", "filelock", "fsspec", "huggingface-hub", "regex",
  "pyyaml", "packaging", "typing-extensions", "mpmath", "markupsafe", "jinja2", "tqdm", "safetensors", "python-dateutil",
  "pytz", "six", "pydantic", "annotated-types", "fastapi", "starlette", "uvicorn", "h11", "click", "anyio", "sniffio",
  "attrs", "structlog", "cog", "protobuf", "sentencepiece", "accelerate", "psutil", "einops", "wrapt", "setuptools", "pip",
  // Filler packages named like real ones: letters only, so names keep their identity across versions.
  ...Array.from({ length: 300 }, (_, i) => `pylib-${letters(i)}`),
];

const GPU_LIBS: [string, number][] = [
  ["nvidia-cublas-cu12-12.4.5.8", 550 * MB],
  ["nvidia-cudnn-cu12-9.1.0.70", 850 * MB],
  ["nvidia-cufft-cu12-11.2.1.3", 200 * MB],
  ["nvidia-curand-cu12-10.3.5.147", 60 * MB],
  ["nvidia-cusolver-cu12-11.6.1.9", 250 * MB],
  ["nvidia-cusparse-cu12-12.3.1.170", 250 * MB],
  ["nvidia-nccl-cu12-2.21.5", 200 * MB],
  ["nvidia-nvjitlink-cu12-12.4.127", 50 * MB],
  ["nvidia-cuda-runtime-cu12-12.4.127", 3 * MB],
  ["nvidia-cuda-nvrtc-cu12-12.4.127", 70 * MB],
  ["nvidia-cuda-cupti-cu12-12.4.127", 25 * MB],
  ["nvidia-nvtx-cu12-12.4.127", 0.2 * MB],
];

const py = (name: string, version: string): string => `python3.11-${name}-${version}`;

/** 0 → "aa", 1 → "ab", …: filler names made of letters so they read like package names. */
function letters(i: number): string {
  return String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26));
}

/** System libraries beyond the named ones (X, media, compression, …), as real closures have. */
const SYSTEM_FILLER = 180;

/** A Cog model image closure: system libs, python, ~170 packages, torch (CUDA or CPU), source, weights. */
export function cogClosure(v: Variant): Closure {
  const rand = rng(42);
  const defs: PkgDef[] = SYSTEM.map(([name, size, refs]) => ({ name, size: Math.round(size), refs }));
  const sysFiller: string[] = [];
  for (let i = 0; i < SYSTEM_FILLER; i++) {
    const name = `lib${letters(i)}-${1 + Math.floor(rand() * 9)}.${Math.floor(rand() * 30)}`;
    const refs = ["glibc-2.40-66"];
    for (let k = 0; k < 3; k++) if (i > 0 && rand() < 0.6) refs.push(sysFiller[Math.floor(rand() * i)]!);
    defs.push({ name, size: Math.round(30_000 + Math.exp(rand() * 7.5) * 2_500), refs: [...new Set(refs)] });
    sysFiller.push(name);
  }
  const pyName = new Map<string, string>();
  const version = (name: string, dflt: string): string => v.bump?.[name] ?? dflt;
  for (const name of SMALL_PY) pyName.set(name, py(name, version(name, `${1 + Math.floor(rand() * 5)}.${Math.floor(rand() * 20)}.${Math.floor(rand() * 10)}`)));
  for (const [name, ver] of BIG_PY) pyName.set(name, py(name, version(name, ver)));
  const smallSizes = new Map(SMALL_PY.map((n) => [n, Math.round(20_000 + Math.exp(rand() * 8) * 1_500)]));
  const smallRefs = new Map<string, string[]>();
  SMALL_PY.forEach((name, i) => {
    const refs: string[] = [];
    for (let k = 0; k < 3; k++) if (i > 0 && rand() < 0.5) refs.push(SMALL_PY[Math.floor(rand() * i)]!);
    // Some packages carry native extensions linked against system libraries.
    if (rand() < 0.3) refs.push(sysFiller[Math.floor(rand() * sysFiller.length)]!);
    smallRefs.set(name, [...new Set(refs)]);
  });
  const resolvePy = (r: string): string => pyName.get(r) ?? r;
  for (const name of SMALL_PY) {
    defs.push({ name: pyName.get(name)!, size: smallSizes.get(name)!, refs: ["python3-3.11.10", ...smallRefs.get(name)!.map(resolvePy)] });
  }
  for (const [name, , size, refs] of BIG_PY) defs.push({ name: pyName.get(name)!, size, refs: ["python3-3.11.10", ...refs.map(resolvePy)] });
  for (const extra of v.add ?? []) {
    pyName.set(extra, py(extra, "1.0.0"));
    defs.push({ name: pyName.get(extra)!, size: 150_000, refs: ["python3-3.11.10", pyName.get("typing-extensions")!] });
  }
  const torchDeps = ["numpy", "filelock", "typing-extensions", "sympy", "networkx", "jinja2", "fsspec"].map(resolvePy);
  if (v.gpu) {
    for (const [name, size] of GPU_LIBS) defs.push({ name, size, refs: ["glibc-2.40-66", "gcc-14-lib-14.2.1"] });
    defs.push({ name: py("triton", "3.1.0"), size: 300 * MB, refs: ["python3-3.11.10", "gcc-14-lib-14.2.1"] });
    defs.push({
      name: py("torch", version("torch", "2.5.1")),
      size: 800 * MB,
      refs: ["python3-3.11.10", "gcc-14-lib-14.2.1", ...torchDeps, py("triton", "3.1.0"), ...GPU_LIBS.map(([n]) => n)],
    });
  } else {
    defs.push({ name: py("torch", `${version("torch", "2.5.1")}+cpu`), size: 200 * MB, refs: ["python3-3.11.10", "gcc-14-lib-14.2.1", ...torchDeps] });
  }
  const sitePackages = defs.filter((d) => d.name.startsWith("python3.11-")).map((d) => d.name);
  defs.push({ name: "python3-3.11.10-env", size: 400_000, refs: ["python3-3.11.10", ...sitePackages] });
  defs.push({ name: "model-src", size: 250_000, refs: [], salt: v.srcSalt ?? "" });
  defs.push({ name: "model-weights", size: 2_000 * MB, refs: [], salt: v.weightsSalt ?? "" });
  defs.push({
    name: "cog-image-root",
    size: 20_000,
    refs: ["python3-3.11.10-env", "model-src", "model-weights", "tini-0.19.0", "bash-5.2p37", "coreutils-9.5", "cacert-3.104"],
  });
  return buildClosure(defs);
}
