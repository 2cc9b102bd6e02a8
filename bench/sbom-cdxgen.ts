// What cognix's SBOM lists against what a scanner finds in the same image:
// @cyclonedx/cdxgen on the OCI layout, and on the unpacked root filesystem
// (umoci) as Python packages and as files (--deep). cdxgen runs without
// network (in an empty network namespace when root can make one). Not a
// timed test: it prints counts per example image.
//
//   npx tsx bench/sbom-cdxgen.ts [EXAMPLE...]     (default: minimal ebsynth-cpu)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOffline, offlineMissing, repo } from "../ts/testkit/offline.ts";

interface Component {
  name: string;
  version?: string;
  purl?: string;
  properties?: { name: string; value: string }[];
  components?: Component[];
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", env, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return r.stdout;
}

// cdxgen is not a project dependency: its lock names platform binaries the
// registry does not serve, which `npm ci` refuses. The bench installs this
// version into .tools/cdxgen the first time it runs.
const cdxgenVersion = "12.8.4";
const cdxgenPrefix = join(repo, ".tools", "cdxgen");
const cdxgenBin = join(cdxgenPrefix, "node_modules", ".bin", "cdxgen");
if (!existsSync(cdxgenBin)) {
  console.error(`bench/sbom-cdxgen: installing @cyclonedx/cdxgen@${cdxgenVersion} into ${cdxgenPrefix}`);
  run("npm", ["install", "--prefix", cdxgenPrefix, "--no-save", "--no-audit", "--no-fund", `@cyclonedx/cdxgen@${cdxgenVersion}`]);
}
const isolated = process.getuid?.() === 0 && spawnSync("unshare", ["-n", "true"]).status === 0;
const cdxgenEnv = { ...process.env, FETCH_LICENSE: "false", CDXGEN_FETCH_PKG_METADATA: "false", CDXGEN_IN_CONTAINER: "true" };

/** cdxgen's components for one target, never touching the network. */
function cdxgen(type: string, target: string, out: string, deep: boolean): Component[] {
  const args = ["-t", type, ...(deep ? ["--deep"] : []), "--no-install-deps", "--no-validate", "-o", out, target];
  if (isolated) run("unshare", ["-n", "--", cdxgenBin, ...args], cdxgenEnv);
  else run(cdxgenBin, args, cdxgenEnv);
  return (JSON.parse(readFileSync(out, "utf8")) as { components?: Component[] }).components ?? [];
}

const isPypi = (c: Component): boolean => c.purl?.startsWith("pkg:pypi/") === true;
const key = (c: Component): string => `${c.name.toLowerCase().replace(/[-_.]+/g, "-")}==${c.version ?? ""}`;
const isSharedLib = (c: Component): boolean => /\.so(\.\d+)*$/.test(c.properties?.find((p) => p.name === "SrcFile")?.value ?? c.name);

interface Row {
  image: string;
  cognixPython: number;
  cdxgenPython: number;
  pythonBoth: number;
  pythonOnlyCdxgen: string[];
  cognixNative: number;
  cognixNativeVersioned: number;
  cdxgenOci: number;
  cdxgenFiles: number;
  cdxgenFilesVersioned: number;
  cdxgenSharedLibs: number;
  weightFiles: number;
}

function measure(example: string, tmp: string): Row {
  const dir = join(tmp, example);
  const result = buildOffline(join(repo, "examples", example), `${dir}-result`);
  const ours = (JSON.parse(run(result, ["sbom"])) as { components: Component[] }).components;
  const oci = `${dir}-oci`;
  run(result, ["oci", oci]);
  const bundle = `${dir}-bundle`;
  run("umoci", ["unpack", "--image", `${oci}:latest`, bundle]);
  const rootfs = join(bundle, "rootfs");
  const onOci = cdxgen("oci-dir", oci, `${dir}-cdxgen-oci.json`, false);
  const python = cdxgen("python", rootfs, `${dir}-cdxgen-python.json`, false).filter(isPypi);
  const files = cdxgen("rootfs", rootfs, `${dir}-cdxgen-files.json`, true).filter((c) => !isPypi(c));
  const ourPython = new Set(ours.filter(isPypi).map(key));
  const theirPython = new Set(python.map(key));
  const native = ours.filter((c) => !isPypi(c) && c.properties?.some((p) => p.name === "nix:out_path"));
  return {
    image: example,
    cognixPython: ourPython.size,
    cdxgenPython: theirPython.size,
    pythonBoth: [...ourPython].filter((k) => theirPython.has(k)).length,
    pythonOnlyCdxgen: [...theirPython].filter((k) => !ourPython.has(k)).sort(),
    cognixNative: native.length,
    cognixNativeVersioned: native.filter((c) => c.version !== undefined).length,
    cdxgenOci: onOci.length,
    cdxgenFiles: files.length,
    cdxgenFilesVersioned: files.filter((c) => c.version !== undefined && c.version !== "").length,
    cdxgenSharedLibs: files.filter(isSharedLib).length,
    weightFiles: ours.flatMap((c) => c.components ?? []).length,
  };
}

const missing = [...offlineMissing(), ...(spawnSync("umoci", ["--version"]).status === 0 ? [] : ["umoci"])];
if (missing.length > 0) {
  console.error(`bench/sbom-cdxgen: missing ${missing.join(", ")}`);
  process.exit(1);
}
const examples = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["minimal", "ebsynth-cpu"];
const tmp = mkdtempSync(join(tmpdir(), "cognix-bench-sbom-"));
try {
  const rows = examples.map((e) => measure(e, tmp));
  console.log(`cdxgen ${run(cdxgenBin, ["--version"]).split("\n")[0]?.replace(/\x1b\[[0-9;]*m/g, "")}, ${isolated ? "no network (unshare -n)" : "network not isolated"}\n`);
  console.log("| image | Python packages: cognix | cdxgen (rootfs, -t python) | same name and version | native store paths: cognix (with version) | cdxgen on the OCI layout | cdxgen files (--deep): all / with version / shared libraries |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows) {
    console.log(`| ${r.image} | ${r.cognixPython} | ${r.cdxgenPython} | ${r.pythonBoth} | ${r.cognixNative} (${r.cognixNativeVersioned}) | ${r.cdxgenOci} | ${r.cdxgenFiles} / ${r.cdxgenFilesVersioned} / ${r.cdxgenSharedLibs} |`);
  }
  for (const r of rows) if (r.pythonOnlyCdxgen.length > 0) console.log(`\n${r.image}: cdxgen only: ${r.pythonOnlyCdxgen.join(", ")}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
