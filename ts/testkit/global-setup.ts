// Runs once before the tests: describes this machine for the offline package
// set (scripts/probe-host) and hands the file to every test through
// COGNIX_HOST_FACTS, so the Nix harness (lib/tests/harness.nix) finds it.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  if (process.env["COGNIX_HOST_FACTS"]) return;
  const script = fileURLToPath(new URL("../../scripts/probe-host", import.meta.url));
  const r = spawnSync(script, { encoding: "utf8" });
  if (r.status === 0) process.env["COGNIX_HOST_FACTS"] = r.stdout.trim();
  else console.warn(`scripts/probe-host failed; tests that build with the offline package set will fail: ${r.stderr.trim()}`);
}
