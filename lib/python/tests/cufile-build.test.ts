// nvidia-cufile-cu12 (pinned by torch >= 2.7) builds: its RDMA plugin links
// rdma-core's libraries, which the override lets stay unresolved. Built with
// the offline package set's real builders from the wheel in the local
// wheelhouse.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nixUnavailable } from "../../../ts/testkit/nix-eval.ts";
import { TESTS_DIR } from "./paths.ts";

const REPO = join(TESTS_DIR, "..", "..", "..");
const WHEEL = "nvidia_cufile_cu12-1.11.1.6-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl";

const dir = mkdtempSync(join(tmpdir(), "cognix-cufile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function why(): string | null {
  const nix = nixUnavailable();
  if (nix) return nix;
  const probe = spawnSync("python3", [join(REPO, "lib", "offline", "py", "probe-host.py"), "--tools-bin", join(REPO, ".tools", "bin")], { encoding: "utf8" });
  if (probe.status !== 0) return `lib/offline/py/probe-host.py failed: ${probe.stderr.trim()}`;
  const facts = JSON.parse(probe.stdout) as { wheelhouse: string; pythons: Record<string, unknown>; tools: { uv: string | null } };
  if (!facts.pythons["3.12"]) return "no CPython 3.12 on this machine for the offline package set";
  if (!facts.tools.uv) return "uv is not installed (scripts/tools installs it into .tools/bin)";
  if (!existsSync(join(facts.wheelhouse, WHEEL))) {
    // The wheel as the torch CUDA fixture locks it, fetched with pip into the wheelhouse.
    const lock = readFileSync(join(TESTS_DIR, "fixtures", "torch-cuda", "uv.lock"), "utf8");
    const m = new RegExp(`url = "([^"]*/${WHEEL.replace(/[.+]/g, "\\$&")})", hash = "([^"]+)"`).exec(lock);
    if (m === null) return `${WHEEL} is not in lib/python/tests/fixtures/torch-cuda/uv.lock`;
    const fetch = spawnSync("python3", [join(REPO, "lib", "offline", "py", "fetch-wheels.py"), facts.wheelhouse], {
      input: JSON.stringify([{ name: WHEEL, url: m[1], hash: m[2] }]),
      encoding: "utf8",
    });
    if (fetch.status !== 0) return `pip could not fetch ${WHEEL}: ${fetch.stderr.trim()}`;
  }
  writeFileSync(join(dir, "host.json"), probe.stdout);
  return null;
}
const skip = why();
if (skip) console.warn(`skipping the nvidia-cufile-cu12 build: ${skip}`);

function build(withoutIgnores: boolean): { status: number; out: string; stderr: string } {
  const r = spawnSync(
    "nix-build",
    ["--no-out-link", join(TESTS_DIR, "cufile-case.nix"), "--arg", "host", join(dir, "host.json"), "--arg", "withoutIgnores", String(withoutIgnores)],
    { encoding: "utf8", env: { ...process.env, NIX_CONFIG: "experimental-features = nix-command flakes" }, maxBuffer: 64 * 1024 * 1024 },
  );
  return { status: r.status ?? 1, out: r.stdout.trim().split("\n").pop() ?? "", stderr: r.stderr };
}

describe("nvidia-cufile-cu12", () => {
  it.skipIf(skip !== null)("builds with cognix's overrides; its plugin keeps the rdma-core libraries unresolved", () => {
    const r = build(false);
    expect(r.stderr).not.toContain("could not satisfy");
    expect(r.status).toBe(0);
    const lib = join(r.out, "lib", "python3.12", "site-packages", "nvidia", "cufile", "lib");
    const needed = spawnSync("patchelf", ["--print-needed", join(lib, "libcufile_rdma.so.1")], { encoding: "utf8" }).stdout;
    expect(needed).toContain("libmlx5.so.1");
    // libcufile.so.0, which torch links, needs none of them.
    expect(spawnSync("patchelf", ["--print-needed", join(lib, "libcufile.so.0")], { encoding: "utf8" }).stdout).not.toMatch(/libmlx5|librdmacm|libibverbs/);
    expect(readFileSync(join(lib, "libcufile.so.0")).subarray(0, 4).toString("latin1")).toBe("\x7fELF");
  }, 600_000);

  it.skipIf(skip !== null)("without the ignores the build fails on exactly those libraries", () => {
    const r = build(true);
    expect(r.status).not.toBe(0);
    for (const l of ["libmlx5.so.1", "librdmacm.so.1", "libibverbs.so.1"]) expect(r.stderr).toContain(`libcufile_rdma.so.1 needs ${l}`);
  }, 600_000);
});
