// End to end with the offline package set and a real Python: build
// examples/minimal (no sdk_version: the newest cog and coglet, as uv.lock
// pins them), write it as an OCI layout and a docker-archive, unpack it with
// umoci, start its entrypoint under chroot in private mount and pid
// namespaces, and talk to coglet in it. Rebuilds check determinism. A model
// pinned to sdk_version 0.16.12 goes the same way to the SDK's own Python
// server.
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeOpenApiSchema } from "../../ts/commands/build-model.ts";
import { processContext } from "../../ts/cli/context.ts";
import { getJson, runPrediction, waitReady } from "../../ts/commands/predict-http.ts";
import { readUvLock } from "../../ts/lock/uv-lock.ts";
import { comparable } from "../../ts/openapi/tests/sdk-differences.ts";
import { chrootMissing, startChroot } from "../../ts/runtime/chroot.ts";
import { nix } from "../../ts/testkit/nix-eval.ts";
import { buildOffline, offlineBuildArgs, offlineMissing, repo } from "../../ts/testkit/offline.ts";

const model = join(repo, "examples", "minimal");
const rev = "0123456789abcdef0123456789abcdef01234567";
const cogSdk = join(repo, ".tools", "cog-0.16.12", "bin", "python");

function have(cmd: string, args: string[] = ["--version"]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

const missing = [...offlineMissing(), ...chrootMissing(), ...(have("skopeo") ? [] : ["skopeo"])];
if (missing.length > 0) console.warn(`lib/tests/e2e: skipping the end-to-end image test: missing ${missing.join(", ")}`);
const sdkMissing = !have(cogSdk, ["-c", "import cog"]);
if (sdkMissing) console.warn(`lib/tests/e2e: skipping the comparison with the host's cog SDK: ${cogSdk} is missing (scripts/tools installs it)`);

/** The versions uv.lock pins, by package name. */
function lockedVersions(dir: string): Map<string, string | null> {
  return new Map(readUvLock(join(dir, "uv.lock")).packages.map((p) => [p.name, p.version]));
}

/** The image's environment as a map. */
function envOf(c: ImageConfig): Record<string, string> {
  return Object.fromEntries(c.Env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${String(r.stderr)}`);
  return String(r.stdout);
}

const sha256 = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

interface ImageConfig {
  Entrypoint: string[];
  Cmd: string[];
  Env: string[];
  WorkingDir: string;
  ExposedPorts: Record<string, object>;
  Labels: Record<string, string>;
}

describe.skipIf(missing.length > 0)("end-to-end image (offline package set, real Python)", () => {
  let tmp = "";
  let result = "";
  let oci = "";

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "cognix-e2e-"));
    result = buildOffline(model, join(tmp, "result"), { rev });
    oci = join(tmp, "oci");
    run(result, ["oci", oci]);
  }, 900_000);

  afterAll(() => {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  it("builds ./result as an executable store path", () => {
    expect(readlinkSync(result)).toMatch(/^\/nix\/store\/[0-9a-z]{32}-cog-minimal$/);
    expect(statSync(result).mode & 0o111).not.toBe(0);
    const usage = spawnSync(result, [], { encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("load");
  });

  it("ships push-weights as <model>.push-weights, running the compiled tool", () => {
    const link = join(tmp, "push-weights");
    const r = nix(["build", ...offlineBuildArgs(model, { rev }), "image.push-weights", "-o", link]);
    expect(r.status === 0 ? "" : r.stderr).toBe("");
    const help = spawnSync(join(link, "bin", "push-weights"), ["--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: cognix push-weights [options]");
    expect(help.stdout).toMatch(/^\s+--to URL\s/m);
    const bad = spawnSync(join(link, "bin", "push-weights"), [], { encoding: "utf8", cwd: tmp });
    expect([1, 2]).toContain(bad.status);
    expect(bad.stderr).not.toMatch(/\n\s+at \S+ \(/);
  });

  it("locks the newest cog and coglet: an SDK coglet serves", () => {
    const locked = lockedVersions(model);
    expect(locked.get("coglet")).toMatch(/^\d+\.\d+\.\d+/);
    const [major, minor] = (locked.get("cog") ?? "").split(".").map(Number);
    expect(major! > 0 || minor! >= 17, `cog ${locked.get("cog")}`).toBe(true);
  });

  it("writes an OCI layout whose config is Cog's contract", () => {
    const c = (JSON.parse(run("skopeo", ["inspect", "--config", `oci:${oci}:latest`])) as { config: ImageConfig }).config;
    expect(c.Entrypoint).toEqual(["/sbin/tini", "--"]);
    expect(c.Cmd).toEqual(["python", "-m", "cog.server.http"]);
    expect(c.WorkingDir).toBe("/src");
    expect(Object.keys(c.ExposedPorts)).toEqual(["5000/tcp"]);
    const env = envOf(c);
    // coglet takes the predictor and its concurrency from these, not from cog.yaml.
    expect(env["COG_PREDICT_TYPE_STUB"]).toBe("predict.py:Predictor");
    expect(env["COG_MAX_CONCURRENCY"]).toBe("2");
    expect(env["GREETING"]).toBe("hello");
    expect(env["PATH"]).toMatch(/^\/nix\/store\/[0-9a-z]{32}-cog-python-env\/bin:/);
    expect(Object.keys(c.Labels).sort()).toEqual([
      "org.cognix.sbom.digest",
      "org.opencontainers.image.revision",
      "run.cog.config",
      "run.cog.has_init",
      "run.cog.openapi_schema",
      "run.cog.pip_freeze",
      "run.cog.version",
    ]);
    expect(c.Labels["org.opencontainers.image.revision"]).toBe(rev);
    const cognixJson = JSON.parse(readFileSync(join(model, "cognix.json"), "utf8")) as { labels: Record<string, string> };
    expect(c.Labels["run.cog.config"]).toBe(cognixJson.labels["run.cog.config"]);
    const locked = lockedVersions(model);
    // The Cog version the image goes with is the locked SDK's, as is the schema's.
    expect(c.Labels["run.cog.version"]).toBe(locked.get("cog"));
    expect((JSON.parse(c.Labels["run.cog.openapi_schema"] ?? "{}") as { info: unknown }).info).toEqual({ title: "Cog", version: locked.get("cog") });
    // pip freeze of the locked environment: every locked distribution, pinned.
    const freeze = (c.Labels["run.cog.pip_freeze"] ?? "").split("\n").filter((l) => l !== "");
    expect(freeze).toContain(`cog==${locked.get("cog")}`);
    expect(freeze).toContain(`coglet==${locked.get("coglet")}`);
    expect(freeze).toContain("pillow==10.4.0");
    for (const line of freeze) expect(line).toMatch(/^[A-Za-z0-9._-]+==\S+$/);
  });

  it("loads as a docker-archive with the same config, identically to stdout and -o", () => {
    const file = join(tmp, "image.tar");
    run(result, ["load", "-o", file]);
    const piped = spawnSync(result, ["load"], { maxBuffer: 1024 * 1024 * 1024 });
    expect(piped.status).toBe(0);
    expect(createHash("sha256").update(piped.stdout).digest("hex")).toBe(sha256(file));
    const fromArchive = JSON.parse(run("skopeo", ["inspect", "--config", `docker-archive:${file}`])) as { config: ImageConfig };
    const fromOci = JSON.parse(run("skopeo", ["inspect", "--config", `oci:${oci}:latest`])) as { config: ImageConfig };
    expect(fromArchive.config).toEqual(fromOci.config);
  });

  describe("started under chroot", () => {
    let image: Awaited<ReturnType<typeof startChroot>> | null = null;
    beforeAll(async () => {
      image = await startChroot({ ociDir: oci, tag: "latest", bundleDir: join(tmp, "bundle") });
      await waitReady(image.base, 120_000, 200).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${image?.logs() ?? ""}`);
      });
    }, 180_000);
    afterAll(async () => {
      await image?.stop();
    });

    it("is served by coglet, the locked one, running the locked SDK", async () => {
      const health = (await getJson(`${image!.base}/health-check`)) as { status: string; version?: { coglet?: string; python_sdk?: string } };
      const locked = lockedVersions(model);
      expect(health.status).toBe("READY");
      expect(health.version).toMatchObject({ coglet: locked.get("coglet"), python_sdk: locked.get("cog") });
      // COG_MAX_CONCURRENCY=2 (cog.yaml's concurrency.max): two prediction slots.
      expect(image!.logs()).toMatch(/"message":"Server ready","num_slots":2/);
    });

    it("answers a prediction through coglet", async () => {
      const prediction = await runPrediction(image!.base, { name: "world" });
      expect(prediction.status).toBe("succeeded");
      expect(prediction.output).toBe("hello world");
    });

    it("validates inputs against /src/.cog/openapi_schema.json", async () => {
      const res = await fetch(`${image!.base}/predictions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: { nom: "world" } }),
      });
      expect(res.status).toBe(422);
      expect(JSON.stringify(await res.json())).toContain("name");
    });

    it("serves the OpenAPI schema of its run.cog.openapi_schema label, the file cognix build --openapi-schema writes", async () => {
      const served = await getJson(`${image!.base}/openapi.json`);
      const c = (JSON.parse(run("skopeo", ["inspect", "--config", `oci:${oci}:latest`])) as { config: ImageConfig }).config;
      expect(served).toEqual(JSON.parse(c.Labels["run.cog.openapi_schema"] ?? "null"));
      const inImage = readFileSync(join(image!.rootfs, "src", ".cog", "openapi_schema.json"), "utf8");
      expect(JSON.parse(inImage)).toEqual(served);
      // What generate read from predict.py, with info.version.
      const cognixJson = JSON.parse(readFileSync(join(model, "cognix.json"), "utf8")) as { openapiSchema: Record<string, unknown> };
      expect(served).toEqual({ ...cognixJson.openapiSchema, info: { title: "Cog", version: lockedVersions(model).get("cog") } });
      const written = join(tmp, "openapi.json");
      await writeOpenApiSchema({ ...processContext(), cwd: tmp }, result, "openapi.json");
      expect(readFileSync(written, "utf8")).toBe(inImage);
    });
  });

  it("lets `pip install` at run time write into the image's writable target (the cog upgrade path)", async () => {
    // The cog release Replicate would install (the locked one, from PyPI by
    // pip on the host), given to the container as a volume: it must land in
    // the writable target and shadow the store's copy.
    const cog = lockedVersions(model).get("cog") ?? "";
    const wheels = join(tmp, "wheels");
    run("python3", ["-m", "pip", "--isolated", "download", "--no-deps", "--quiet", "--dest", wheels, `cog==${cog}`]);
    const script = [
      `python -m pip install --no-index --find-links /wheels --no-deps --quiet cog==${cog}`,
      'python -c "import cog; print(cog.__version__, cog.__file__)"',
    ].join(" && ");
    const image = await startChroot({
      ociDir: oci,
      tag: "latest",
      bundleDir: join(tmp, "bundle-pip"),
      args: ["/bin/sh", "-c", script],
      volumes: [{ host: wheels, container: "/wheels" }],
    });
    const code = await image.exited;
    const logs = image.logs();
    await image.stop();
    expect(code, logs).toBe(0);
    expect(logs).toContain(`${cog} /var/lib/cognix/site-packages/cog/__init__.py`);
  }, 180_000);

  it("gives the same store paths and image digest when built again", () => {
    const first = readlinkSync(result);
    const again = nix(["build", ...offlineBuildArgs(model, { rev }), "image", "--no-link", "--json"]);
    expect(again.status).toBe(0);
    expect((JSON.parse(again.stdout) as { outputs: { out: string } }[])[0]?.outputs.out).toBe(first);
    // Rebuild the spec (layer digests), the tool and the schema from scratch; Nix fails if any byte differs.
    for (const attr of ["image.spec", "image.tool", "image.openapiSchema"]) {
      const r = nix(["build", ...offlineBuildArgs(model, { rev }), attr, "--rebuild", "--no-link"]);
      expect(r.stderr.includes("error") ? r.stderr : "").toBe("");
      expect(r.stderr).toContain("checking outputs of");
      expect(r.status).toBe(0);
    }
    // The digest does not depend on TZ, umask or locale of the caller.
    const dir = join(tmp, "oci-again");
    run("/bin/sh", ["-c", `umask 077; exec "$0" oci "$1"`, result, dir], {
      env: { ...process.env, TZ: "Pacific/Kiritimati", LC_ALL: "C", LANG: "C" },
    });
    expect(readFileSync(join(dir, "index.json"), "utf8")).toBe(readFileSync(join(oci, "index.json"), "utf8"));
  });
});

// A model pinned to the last SDK of the 0.16 line: `cognix generate` and
// `cognix lock` (uv against PyPI) as a user runs them, then the offline build.
const LEGACY_COG_YAML = `build:
  python_version: "3.11"
  sdk_version: "0.16.12"
predict: "predict.py:Predictor"
`;
const LEGACY_PREDICT = `from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(self, name: str = Input(description="Who to greet"), times: int = Input(default=1, ge=1, le=3)) -> str:
        return " ".join(["bonjour " + name] * times)
`;

function cognix(args: string[], cwd: string): void {
  run(join(repo, "node_modules", ".bin", "tsx"), [join(repo, "ts", "cli.ts"), ...args], {
    cwd,
    env: { ...process.env, PATH: `${join(repo, ".tools", "bin")}:${process.env["PATH"] ?? ""}` },
  });
}

describe.skipIf(missing.length > 0)("end-to-end image with sdk_version 0.16.12 (the SDK's own Python server)", () => {
  let tmp = "";
  let dir = "";
  let oci = "";
  let image: Awaited<ReturnType<typeof startChroot>> | null = null;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "cognix-e2e-legacy-"));
    dir = join(tmp, "greeter");
    mkdirSync(dir);
    writeFileSync(join(dir, "cog.yaml"), LEGACY_COG_YAML);
    writeFileSync(join(dir, "predict.py"), LEGACY_PREDICT);
    cognix(["generate", "."], dir);
    cognix(["lock", "."], dir);
    const result = buildOffline(dir, join(tmp, "result"));
    oci = join(tmp, "oci");
    run(result, ["oci", oci]);
    image = await startChroot({ ociDir: oci, tag: "latest", bundleDir: join(tmp, "bundle") });
    await waitReady(image.base, 120_000, 200).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${image?.logs() ?? ""}`);
    });
  }, 900_000);

  afterAll(async () => {
    await image?.stop();
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  it("locks cog 0.16.12 and no coglet, and labels the image with it", () => {
    const locked = lockedVersions(dir);
    expect(locked.get("cog")).toBe("0.16.12");
    expect(locked.has("coglet")).toBe(false);
    const c = (JSON.parse(run("skopeo", ["inspect", "--config", `oci:${oci}:latest`])) as { config: ImageConfig }).config;
    expect(c.Labels["run.cog.version"]).toBe("0.16.12");
    expect(c.Labels["run.cog.pip_freeze"]).toContain("cog==0.16.12\n");
    expect(c.Labels["run.cog.pip_freeze"]).not.toContain("coglet");
    expect(envOf(c)["COG_PREDICT_TYPE_STUB"]).toBe("predict.py:Predictor");
  });

  it("is served by the SDK's Python server, which answers a prediction", async () => {
    const health = (await getJson(`${image!.base}/health-check`)) as { status: string; version?: unknown };
    expect(health.status).toBe("READY");
    expect(health).not.toHaveProperty("version.coglet");
    const prediction = await runPrediction(image!.base, { name: "monde", times: 2 });
    expect(prediction.output).toBe("bonjour monde bonjour monde");
  });

  it("labels the static schema with info.version 0.1.0, as the SDK's server writes it, and differs from the served one only as accepted", async () => {
    const c = (JSON.parse(run("skopeo", ["inspect", "--config", `oci:${oci}:latest`])) as { config: ImageConfig }).config;
    const label = JSON.parse(c.Labels["run.cog.openapi_schema"] ?? "null") as Record<string, unknown>;
    expect(label["info"]).toEqual({ title: "Cog", version: "0.1.0" });
    expect(JSON.parse(readFileSync(join(image!.rootfs, "src", ".cog", "openapi_schema.json"), "utf8"))).toEqual(label);
    // The legacy server computes its own schema at run time (pydantic):
    // the model's components agree but for the differences ts/openapi lists.
    const served = (await getJson(`${image!.base}/openapi.json`)) as Record<string, unknown>;
    expect(served["info"]).toEqual({ title: "Cog", version: "0.1.0" });
    const { sdk, cognix: ours } = comparable(served, label);
    expect(ours).toEqual(sdk);
  });

  it.skipIf(sdkMissing)("serves the schema the cog SDK on the host generates for the same predict.py", async () => {
    const host = JSON.parse(
      run(cogSdk, ["-m", "cog.command.openapi_schema"], { cwd: dir, env: { ...process.env, COG_PREDICT_TYPE_STUB: "predict.py:Predictor" } }),
    ) as unknown;
    expect(await getJson(`${image!.base}/openapi.json`)).toEqual(host);
  });
});
