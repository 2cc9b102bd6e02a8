import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isTable, readToml, type TomlTable } from "../../../ts/python/toml.ts";
import { nixBuild, nixEvalError, nixEvalJson, nixString, nixUnavailable, storeReferences } from "../../../ts/testkit/nix-eval.ts";
import { FIXTURES, TESTS_DIR } from "./paths.ts";

const missing = nixUnavailable();
if (missing) console.warn(`skipping lib/python Nix tests: ${missing}`);

interface Detail {
  version: string;
  format: string;
  src: { url: string | null; hash: string | null; name: string | null };
  dependencies: string[];
  nativeBuildInputs: string[];
  buildInputs: string[];
  autoPatchelfIgnoreMissingDeps: string[];
  preFixup: string;
  override: { siblings: string[]; system: string[] } | null;
}
interface Case {
  addsPip: boolean;
  pip: Detail | null;
  hatchling: { url: string | null; hash: string | null };
  packages: string[];
  pipFreeze: string;
  versions: Record<string, string>;
  overridden: string[];
  details: Record<string, Detail>;
}

function evalCase(root: string, python: string, dependencies?: string): Case {
  return nixEvalJson<Case>(
    `import ${join(TESTS_DIR, "eval-case.nix")} { workspaceRoot = ${root}; pythonVersion = ${nixString(python)}; ${dependencies ? `dependencies = ${dependencies};` : ""} }`,
  );
}

/** Each fixture with the Python it is evaluated for and the extras it selects. */
const CASES = [
  { fixture: "plain-cpu", python: "3.12", cp: "cp312", dependencies: undefined },
  { fixture: "torch-cuda", python: "3.12", cp: "cp312", dependencies: undefined },
  { fixture: "torch-cpu", python: "3.11", cp: "cp311", dependencies: `{ mlalgofromscratch = [ "cpu" ]; }` },
];

/** The lock's own view of each package (name@version): every wheel with its hash. */
function lockPackages(root: string): Map<string, TomlTable> {
  const doc = readToml(readFileSync(join(root, "uv.lock"), "utf8"));
  const out = new Map<string, TomlTable>();
  for (const p of (doc["package"] as TomlTable[]).filter(isTable)) out.set(`${p["name"] as string}@${p["version"] as string}`, p);
  return out;
}
function onlyVersion(lock: Map<string, TomlTable>, name: string): TomlTable {
  const found = [...lock.entries()].filter(([k]) => k.startsWith(`${name}@`));
  expect(found, name).toHaveLength(1);
  return found[0]![1];
}

function wheelsOf(pkg: TomlTable): { url: string; hash: string }[] {
  return ((pkg["wheels"] ?? []) as TomlTable[]).map((w) => ({ url: w["url"] as string, hash: w["hash"] as string }));
}

/** Linux x86_64 CPython (cp = "cp312"…): what a wheel file name must allow to be picked. */
function fitsLinux(file: string, cp: string): boolean {
  const m = /^(.+)-([^-]+)-([^-]+)-([^-]+)\.whl$/.exec(decodeURIComponent(file));
  if (!m) return false;
  const [, , py, abi, plat] = m;
  const ours = Number(cp.slice(3));
  const abis = abi!.split(".");
  const pyOk = py!.split(".").some((t) => {
    if (t === "py3" || t === "py2") return true;
    const n = /^(cp|py)3(\d+)$/.exec(t);
    if (!n) return false;
    // abi3 wheels built for an older CPython run on newer ones.
    return Number(n[2]) === ours || (Number(n[2]) < ours && (n[1] === "py" || abis.includes("abi3")));
  });
  const abiOk = abis.some((t) => t === "none" || t === "abi3" || t === cp);
  const platOk = plat!.split(".").some((t) => t === "any" || /^manylinux.*_x86_64$/.test(t) || t === "linux_x86_64");
  return pyOk && abiOk && platOk;
}

/** pip sorts freeze lines by lower-cased project name, code point order. */
function pipOrder(a: string, b: string): number {
  const x = a.split("==")[0]!.toLowerCase();
  const y = b.split("==")[0]!.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});
function tempCopy(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), "cognix-pyenv-"));
  temps.push(dir);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

describe.each(CASES)("uv.lock fixture $fixture", ({ fixture, python, cp, dependencies }) => {
  const root = join(FIXTURES, fixture);

  it.skipIf(missing !== null)("picks a hashed wheel from the lock for every package, compatible with the Python on linux x86_64", () => {
    const result = evalCase(root, python, dependencies);
    const lock = lockPackages(root);
    expect(result.packages.length).toBeGreaterThan(3);
    for (const name of result.packages) {
      const d = result.details[name]!;
      const locked = lock.get(`${name}@${d.version}`)!;
      expect(locked, `${name} ${d.version} is in uv.lock`).toBeDefined();
      expect(d.format).toBe("wheel");
      const chosen = wheelsOf(locked).find((w) => w.url === d.src.url);
      expect(chosen, `${name}: chosen wheel ${d.src.url} is in uv.lock`).toBeDefined();
      expect(d.src.hash).toBe(chosen!.hash);
      expect(d.src.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(fitsLinux(d.src.name!, cp), `${name}: ${d.src.name}`).toBe(true);
      expect(d.nativeBuildInputs).toContain("autoPatchelfHook");
    }
  });

  it.skipIf(missing !== null)("computes the pip freeze label from the lock: name==version, sorted like pip", () => {
    const result = evalCase(root, python, dependencies);
    const lines = result.pipFreeze.trimEnd().split("\n");
    expect(lines).toEqual([...lines].sort(pipOrder));
    // pip freeze leaves out pip, and setuptools/wheel/distribute before Python 3.12.
    const skipped = python === "3.12" ? ["pip"] : ["pip", "setuptools", "wheel", "distribute"];
    expect(lines).toEqual(result.packages.filter((p) => !skipped.includes(p)).map((p) => `${p}==${result.versions[p]}`).sort(pipOrder));
  });
});

// Locks without conflicting extras: the install set follows plain dependency edges.
describe.each(CASES.filter((c) => c.dependencies === undefined))("uv.lock fixture $fixture, markers", ({ fixture, python }) => {
  const root = join(FIXTURES, fixture);

  it.skipIf(missing !== null)("installs every lock package whose markers hold on linux, and nothing else", () => {
    const result = evalCase(root, python);
    const lock = lockPackages(root);
    const rootPkg = [...lock.values()].find((p) => isTable(p["source"]) && ("virtual" in p["source"] || "editable" in p["source"]))!;
    // Packages reachable from the root through dependencies without a Windows/macOS-only marker.
    const reach = new Set<string>();
    const visit = (pkg: TomlTable): void => {
      for (const dep of ((pkg["dependencies"] ?? []) as TomlTable[])) {
        const marker = (dep["marker"] as string | undefined) ?? "";
        if (/sys_platform == '(win32|darwin)'/.test(marker) || /platform_system == 'Windows'/.test(marker)) continue;
        const name = dep["name"] as string;
        if (reach.has(name)) continue;
        reach.add(name);
        visit(onlyVersion(lock, name));
      }
    };
    visit(rootPkg);
    expect([...result.packages].sort()).toEqual([...reach].sort());
    for (const name of result.packages) {
      const locked = onlyVersion(lock, name);
      const linuxDeps = ((locked["dependencies"] ?? []) as TomlTable[])
        .filter((d) => !/sys_platform == '(win32|darwin)'/.test((d["marker"] as string | undefined) ?? ""))
        .map((d) => d["name"] as string)
        .sort();
      expect([...result.details[name]!.dependencies].sort(), name).toEqual(linuxDeps);
    }
  });
});

describe("torch CUDA 12 lock: overrides", () => {
  const root = join(FIXTURES, "torch-cuda");

  it.skipIf(missing !== null)("routes torch to the PyTorch cu126 wheel and overrides the CUDA stack", () => {
    const result = evalCase(root, "3.12");
    const torch = result.details["torch"]!;
    expect(torch.src.url).toMatch(/^https:\/\/download\.pytorch\.org\/whl\/cu126\/torch-2\.7\.1%2Bcu126-cp312-cp312-manylinux_2_28_x86_64\.whl$/);
    const nvidia = result.packages.filter((p) => p.startsWith("nvidia-"));
    expect(nvidia.length).toBeGreaterThan(5);
    for (const name of [...nvidia, "torch", "triton", "torchvision", "torchaudio"]) {
      expect(result.overridden, name).toContain(name);
      expect(result.details[name]!.autoPatchelfIgnoreMissingDeps, name).toContain("libcuda.so.1");
    }
    // torch finds every nvidia wheel and triton through search paths that are real inputs.
    expect([...torch.override!.siblings].sort()).toEqual([...nvidia, "triton"].sort());
    for (const s of torch.override!.siblings) {
      expect(torch.preFixup).toContain(`addAutoPatchelfSearchPath /recorded/${s}-${result.versions[s]}/lib/python3.12/site-packages`);
      expect(torch.buildInputs).toContain(s);
    }
    // The nvidia wheels find each other along their declared dependencies, never in a cycle.
    expect(result.details["nvidia-cusolver-cu12"]!.override!.siblings.sort()).toEqual(["nvidia-cublas-cu12", "nvidia-cusparse-cu12", "nvidia-nvjitlink-cu12"]);
    for (const name of nvidia) {
      for (const s of result.details[name]!.override!.siblings) {
        expect(result.details[s]!.override!.siblings, `${name} <-> ${s}`).not.toContain(name);
      }
    }
    // Packages outside the CUDA stack are left alone.
    expect(result.details["numpy"]!.override).toBeNull();
    expect(result.details["numpy"]!.autoPatchelfIgnoreMissingDeps).toEqual([]);
  });

  it.skipIf(missing !== null)("composes with build-system-pkgs: packages the lock lacks come from there as hashed wheels", () => {
    const result = evalCase(root, "3.12");
    expect(result.packages).not.toContain("hatchling");
    expect(result.hatchling.url).toMatch(/\/hatchling-[^/]+-py3-none-any\.whl$/);
    expect(result.hatchling.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it.skipIf(missing !== null)("always has pip: from build-system-pkgs, as a hashed wheel, when the lock has none", () => {
    const result = evalCase(join(FIXTURES, "plain-cpu"), "3.12");
    expect(result.packages).not.toContain("pip");
    expect(result.addsPip).toBe(true);
    expect(result.pip!.format).toBe("wheel");
    expect(result.pip!.src.url).toMatch(/\/pip-[^/]+-py3-none-any\.whl$/);
    expect(result.pip!.src.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Not part of the label: pip freeze never lists pip.
    expect(result.pipFreeze).not.toMatch(/^pip==/m);
  });

  it.skipIf(missing !== null)("a plain CPU lock gets no overrides", () => {
    const result = evalCase(join(FIXTURES, "plain-cpu"), "3.12");
    expect(result.overridden).toEqual([]);
  });
});

describe("torch CPU lock (conflicting cpu/cu121 extras)", () => {
  it.skipIf(missing !== null)("selects the +cpu wheels from the CPU index and no CUDA packages", () => {
    const result = evalCase(join(FIXTURES, "torch-cpu"), "3.11", `{ mlalgofromscratch = [ "cpu" ]; }`);
    expect(result.versions["torch"]).toBe("2.5.1+cpu");
    expect(result.versions["torchvision"]).toBe("0.20.1+cpu");
    expect(result.details["torch"]!.src.url).toBe("https://download.pytorch.org/whl/cpu/torch-2.5.1%2Bcpu-cp311-cp311-linux_x86_64.whl");
    expect(result.packages.filter((p) => p.startsWith("nvidia-") || p === "triton")).toEqual([]);
    expect(Object.values(result.details).filter((d) => d.src.url?.includes("/cu121/"))).toEqual([]);
    // torchvision still finds torch's libraries (libc10, libtorch) at patch time.
    expect(result.details["torchvision"]!.override!.siblings).toEqual(["torch"]);
    expect(result.details["torch"]!.override!.siblings).toEqual([]);
  });

  it.skipIf(missing !== null)("without the extra, neither torch build is installed", () => {
    const withCpu = evalCase(join(FIXTURES, "torch-cpu"), "3.11", `{ mlalgofromscratch = [ "cpu" ]; }`);
    const result = evalCase(join(FIXTURES, "torch-cpu"), "3.11");
    expect(result.packages.filter((p) => p.startsWith("torch") || p.startsWith("nvidia-") || p === "triton")).toEqual([]);
    expect(result.packages).toContain("datasets");
    // The extra adds torch, torchvision and what only they need, nothing else goes away.
    expect(withCpu.packages.filter((p) => !result.packages.includes(p))).toEqual(expect.arrayContaining(["torch", "torchvision"]));
    expect(result.packages.filter((p) => !withCpu.packages.includes(p))).toEqual([]);
  });
});

describe("lock errors", () => {
  it.skipIf(missing !== null)("rejects a lock entry without a hash, naming the package and file", () => {
    const dir = tempCopy("plain-cpu");
    const lockFile = join(dir, "uv.lock");
    const text = readFileSync(lockFile, "utf8");
    const stripped = text.replace(/(requests-2\.32\.3-py3-none-any\.whl"), hash = "sha256:[0-9a-f]{64}"/, "$1");
    expect(stripped).not.toBe(text);
    writeFileSync(lockFile, stripped);
    const err = nixEvalError(`import ${join(TESTS_DIR, "eval-case.nix")} { workspaceRoot = ${dir}; pythonVersion = "3.12"; }`);
    expect(err).toContain("requests 2.32.3: requests-2.32.3-py3-none-any.whl");
    expect(err).toContain("without a hash");
    expect(err).toContain(lockFile);
  });

  it.skipIf(missing !== null)("rejects a stale lock, naming each requirement that changed", () => {
    const dir = tempCopy("torch-cuda");
    const file = join(dir, "pyproject.toml");
    const text = readFileSync(file, "utf8");
    const edited = text.replace('"numpy>=2.2.5",', '"numpy>=2.3",\n    "pillow>=11",').replace('"setuptools>=78.1.1",\n', "").replace('url = "https://download.pytorch.org/whl/cu126"', 'url = "https://download.pytorch.org/whl/cu128"');
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    const case_ = `import ${join(TESTS_DIR, "eval-case.nix")} { workspaceRoot = ${dir}; pythonVersion = "3.12"; }`;
    const err = nixEvalError(case_);
    expect(err).toContain(`${join(dir, "uv.lock")} is stale`);
    expect(err).toContain("changed: numpy: uv.lock has numpy>=2.2.5, pyproject.toml has numpy>=2.3");
    expect(err).toContain("added: pillow>=11");
    expect(err).toContain("removed: setuptools>=78.1.1");
    expect(err).toContain("changed: torch: uv.lock has torch==2.7.1+cu126 (index https://download.pytorch.org/whl/cu126), pyproject.toml has torch==2.7.1+cu126 (index https://download.pytorch.org/whl/cu128)");
    // The same lock is accepted when the check is turned off.
    expect(nixEvalJson<{ packages: string[] }>(`(import ${join(TESTS_DIR, "eval-case.nix")} { workspaceRoot = ${dir}; pythonVersion = "3.12"; checkFresh = false; })`).packages).toContain("torch");
  });

  it.skipIf(missing !== null)("rejects a Python version the lock does not support", () => {
    const err = nixEvalError(`import ${join(TESTS_DIR, "eval-case.nix")} { workspaceRoot = ${join(FIXTURES, "torch-cuda")}; pythonVersion = "3.11"; }`);
    expect(err).toContain('requires-python = "==3.12.*" does not admit Python 3.11');
  });

  it.skipIf(missing !== null)("rejects a Python cognix does not build", () => {
    const err = nixEvalError(`import ${join(TESTS_DIR, "eval-case.nix")} { workspaceRoot = ${join(FIXTURES, "plain-cpu")}; pythonVersion = "3.7"; }`);
    expect(err).toContain("Python 3.7 is not supported");
  });
});

describe("modules/python", () => {
  it.skipIf(missing !== null)("evaluates with lib only: package list and pip freeze without forcing pkgs", () => {
    const m = nixEvalJson<{ names: string[]; pipFreeze: string; sitePackages: string; locked: { packages: string[]; overridden: string[] } }>(
      `import ${join(TESTS_DIR, "eval-module.nix")} { workspaceRoot = ${join(FIXTURES, "torch-cuda")}; pythonVersion = "3.12"; }`,
    );
    const direct = evalCase(join(FIXTURES, "torch-cuda"), "3.12");
    // The lock's distributions, plus pip when the lock has none.
    expect(m.names).toEqual(direct.addsPip ? [...direct.packages, "pip"] : direct.packages);
    expect(m.pipFreeze).toBe(direct.pipFreeze);
    expect(m.sitePackages).toBe("lib/python3.12/site-packages");
    expect(m.locked.overridden).toEqual(direct.overridden);
  });

  it.skipIf(missing !== null)("puts a writable site-packages ahead of the store's for `pip install cog==X`", () => {
    const m = nixEvalJson<{ env: Record<string, string>; writableSitePackages: string }>(
      `import ${join(TESTS_DIR, "eval-module.nix")} { workspaceRoot = ${join(FIXTURES, "plain-cpu")}; pythonVersion = "3.12"; fakeVenv = true; }`,
    );
    expect(m.env["PYTHONPATH"]).toBe(m.writableSitePackages);
    expect(m.env["PIP_TARGET"]).toBe(m.writableSitePackages);
    expect(m.env["VIRTUAL_ENV"]).toMatch(/^\/nix\/store\/[0-9a-z]{32}-fake-venv$/);
  });

  it.skipIf(missing !== null)("lets a model override pipFreeze and venv without building anything", () => {
    const expr = `import ${join(TESTS_DIR, "eval-module.nix")} {
      workspaceRoot = ${join(FIXTURES, "plain-cpu")}; pythonVersion = "3.12";
      extraModules = [ { python.pipFreeze = "custom==1\\n"; } ];
    }`;
    const m = nixEvalJson<{ pipFreeze: string }>(expr);
    expect(m.pipFreeze).toBe("custom==1\n");
  });
});

describe("stub build", () => {
  it.skipIf(missing !== null)("gives every locked distribution its own store path, referenced by the venv", () => {
    const root = join(FIXTURES, "torch-cuda");
    const venv = nixBuild(`(import ${join(TESTS_DIR, "stub-build.nix")} { workspaceRoot = ${root}; pythonVersion = "3.12"; }).venv`);
    const refs = storeReferences(venv);
    const result = evalCase(root, "3.12");
    const site = join(venv, "lib/python3.12/site-packages");
    for (const name of result.packages) {
      const matches = refs.filter((r) => r.endsWith(`-${name}-${result.versions[name]}`));
      expect(matches, name).toHaveLength(1);
      const record = readFileSync(join(matches[0]!, "lib/python3.12/site-packages", `${name}-${result.versions[name]}.dist-info`, "WHEEL_SOURCE"), "utf8");
      expect(record.trim()).toBe(`${result.details[name]!.src.url} ${result.details[name]!.src.hash}`);
    }
    expect(refs).toHaveLength(result.packages.length + (result.addsPip ? 1 : 0));
    expect(readdirSync(site).sort()).toContain("torch");
    // torch's own store path references the nvidia wheels it searches at patch time.
    const torchPath = refs.find((r) => r.endsWith(`-torch-${result.versions["torch"]}`))!;
    const torchRefs = storeReferences(torchPath);
    for (const s of result.details["torch"]!.override!.siblings) {
      expect(torchRefs.some((r) => r.endsWith(`-${s}-${result.versions[s]}`)), s).toBe(true);
    }
  });
});
