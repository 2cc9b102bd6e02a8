// End to end with the stub package set: `nix build` an example image, then
// `./result oci` and `./result load`, inspect both with skopeo, unpack with
// umoci and run the entrypoint under chroot. Rebuilds check determinism.
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasNix, inputAvailable, nix } from "./nix-eval.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const typescriptDir = join(repo, "node_modules", "typescript");
const rev = "0123456789abcdef0123456789abcdef01234567";

function have(cmd: string, args: string[] = ["--version"]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

const missing = [
  hasNix() ? null : "nix",
  hasNix() && !inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib") ? "the nixpkgs-lib flake input in the Nix store" : null,
  process.getuid?.() === 0 ? null : "root (for chroot)",
  have("skopeo") ? null : "skopeo",
  have("umoci") ? null : "umoci",
  have("chroot", ["--version"]) ? null : "chroot",
  existsSync(join(repo, "ts", "image", "main.ts")) ? null : "the image tool sources (ts/image/main.ts)",
  existsSync(join(typescriptDir, "bin", "tsc")) ? null : "node_modules/typescript",
  existsSync("/usr/bin/busybox") ? null : "/usr/bin/busybox (apt package busybox-static)",
].filter((m): m is string => m !== null);
if (missing.length > 0) console.warn(`lib/tests/e2e: skipping the end-to-end image test: missing ${missing.join(", ")}`);

const buildArgs = [
  "--offline", "--impure", "--file", join(here, "e2e.nix"),
  "--argstr", "typescriptDir", typescriptDir, "--argstr", "rev", rev,
];

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${String(r.stderr)}`);
  return String(r.stdout);
}

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

interface ImageConfig {
  Entrypoint: string[];
  Cmd: string[];
  Env: string[];
  WorkingDir: string;
  ExposedPorts: Record<string, object>;
  Labels: Record<string, string>;
}

describe.skipIf(missing.length > 0)("end-to-end image (stub packages)", () => {
  let tmp = "";
  let result = "";

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "cognix-e2e-"));
    const r = nix(["build", ...buildArgs, "-o", join(tmp, "result")]);
    if (r.status !== 0) throw new Error(`nix build failed:\n${r.stderr}`);
    result = join(tmp, "result");
  });

  afterAll(() => {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  it("builds ./result as an executable store path", () => {
    expect(readlinkSync(result)).toMatch(/^\/nix\/store\/[0-9a-z]{32}-cog-model$/);
    expect(statSync(result).mode & 0o111).not.toBe(0);
    const usage = spawnSync(result, [], { encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("load");
  });

  it("ships push-weights as <model>.push-weights, running the compiled tool", () => {
    const link = join(tmp, "push-weights");
    const r = nix(["build", ...buildArgs, "push-weights", "-o", link]);
    expect(r.stderr.includes("error:") ? r.stderr : "").toBe("");
    expect(r.status).toBe(0);
    const help = spawnSync(join(link, "bin", "push-weights"), ["--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout + help.stderr).toContain("usage: cognix push-weights --to");
    // Without a destination it fails with a usage error naming the option, not a crash.
    const bad = spawnSync(join(link, "bin", "push-weights"), [], { encoding: "utf8", cwd: tmp });
    expect([1, 2]).toContain(bad.status);
    expect(bad.stderr).not.toMatch(/\n\s+at \S+ \(/);
  });

  it("writes an OCI layout whose config is Cog's contract", () => {
    const dir = join(tmp, "oci");
    run(result, ["oci", dir]);
    const config = JSON.parse(run("skopeo", ["inspect", "--config", `oci:${dir}:latest`])) as { config: ImageConfig };
    const c = config.config;
    expect(c.Entrypoint).toEqual(["/sbin/tini", "--"]);
    expect(c.Cmd).toEqual(["python", "-m", "cog.server.http"]);
    expect(c.WorkingDir).toBe("/src");
    expect(Object.keys(c.ExposedPorts)).toEqual(["5000/tcp"]);
    const env = Object.fromEntries(c.Env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    expect(env["COG_PREDICT_TYPE_STUB"]).toBe("predict.py:Predictor");
    expect(env["COG_MAX_CONCURRENCY"]).toBe("2");
    expect(env["GREETING"]).toBe("hello");
    expect(env["PYTHONUNBUFFERED"]).toBe("1");
    expect(env["PATH"]).toMatch(/^\/nix\/store\/[0-9a-z]{32}-fake-python-venv\/bin:/);
    expect(Object.keys(c.Labels).sort()).toEqual([
      "org.opencontainers.image.revision",
      "run.cog.config",
      "run.cog.has_init",
      "run.cog.openapi_schema",
      "run.cog.pip_freeze",
      "run.cog.version",
    ]);
    expect(c.Labels["org.opencontainers.image.revision"]).toBe(rev);
    expect(c.Labels["run.cog.has_init"]).toBe("true");
    expect(c.Labels["run.cog.pip_freeze"]).toBe("pillow==10.4.0");
    const cognixJson = JSON.parse(readFileSync(join(repo, "examples", "minimal", "cognix.json"), "utf8")) as {
      labels: Record<string, string>;
    };
    expect(c.Labels["run.cog.config"]).toBe(cognixJson.labels["run.cog.config"]);
    // Produced during the build by the model's python, compacted.
    expect(JSON.parse(c.Labels["run.cog.openapi_schema"] ?? "null")).toEqual({
      openapi: "3.0.2",
      info: { title: "Cog", version: "0.1.0" },
      paths: {},
    });
  });

  it("loads as a docker-archive with the same config, identically to stdout and -o", () => {
    const file = join(tmp, "image.tar");
    run(result, ["load", "-o", file]);
    const piped = spawnSync(result, ["load"], { maxBuffer: 512 * 1024 * 1024 });
    expect(piped.status).toBe(0);
    expect(createHash("sha256").update(piped.stdout).digest("hex")).toBe(sha256(file));
    const fromArchive = JSON.parse(run("skopeo", ["inspect", "--config", `docker-archive:${file}`])) as { config: ImageConfig };
    const fromOci = JSON.parse(run("skopeo", ["inspect", "--config", `oci:${join(tmp, "oci")}:latest`])) as { config: ImageConfig };
    expect(fromArchive.config).toEqual(fromOci.config);
  });

  it("unpacks with umoci and runs the entrypoint under chroot", () => {
    const bundle = join(tmp, "bundle");
    run("umoci", ["unpack", "--image", `${join(tmp, "oci")}:latest`, bundle]);
    const rootfs = join(bundle, "rootfs");
    expect(statSync(join(rootfs, "tmp")).mode & 0o7777).toBe(0o1777);
    expect(readFileSync(join(rootfs, "src", ".cog", "openapi_schema.json"), "utf8")).toContain('"openapi": "3.0.2"');
    const spec = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as {
      process: { args: string[]; env: string[]; cwd: string };
    };
    expect(spec.process.args).toEqual(["/sbin/tini", "--", "python", "-m", "cog.server.http"]);
    // chroot has no working-directory option: the image's /bin/sh changes into it.
    const env = Object.fromEntries(spec.process.env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    const out = run("chroot", [rootfs, "/bin/sh", "-c", 'cd "$0" && exec "$@"', spec.process.cwd, ...spec.process.args], { env });
    expect(out).toContain("fake-python argv: -m cog.server.http");
    expect(out).toContain("fake-python cwd: /src");
    expect(out).toContain("fake-python COG_PREDICT_TYPE_STUB=predict.py:Predictor");
    const listing = out.split("\n");
    for (const f of [".cog", "cog.yaml", "cognix.json", "predict.py"]) expect(listing).toContain(f);
    // Tools and certificates from the root filesystem.
    const tools = run("chroot", [rootfs, "/bin/sh", "-c", "ffmpeg && cat /etc/ssl/certs/ca-certificates.crt && env true && echo ok"], { env });
    expect(tools).toBe("ffmpeg\n# stub CA bundle\nok\n");
  });

  it("gives the same store paths and image digest when built again", () => {
    const first = readlinkSync(result);
    const again = nix(["build", ...buildArgs, "--no-link", "--json"]);
    expect(again.status).toBe(0);
    expect((JSON.parse(again.stdout) as { outputs: { out: string } }[])[0]?.outputs.out).toBe(first);
    // Rebuild the spec (layer digests) and the tool from scratch; Nix fails if any byte differs.
    for (const attr of ["spec", "tool", "openapiSchema"]) {
      const r = nix(["build", ...buildArgs, attr, "--rebuild", "--no-link"]);
      expect(r.stderr.includes("error") ? r.stderr : "").toBe("");
      expect(r.stderr).toContain("checking outputs of");
      expect(r.status).toBe(0);
    }
    // The digest does not depend on TZ, umask or locale of the caller.
    const dir = join(tmp, "oci-again");
    run("/bin/sh", ["-c", `umask 077; exec "$0" oci "$1"`, result, dir], {
      env: { ...process.env, TZ: "Pacific/Kiritimati", LC_ALL: "C", LANG: "C" },
    });
    expect(readFileSync(join(dir, "index.json"), "utf8")).toBe(readFileSync(join(tmp, "oci", "index.json"), "utf8"));
  });
});
