#!/usr/bin/env node
// The npm package's `prepare` script: compiles dist/.
//
// `npm install` in a checkout runs it after installing the dependencies, but
// a folder installed globally (`npm install -g .`, `npm link`) is only linked:
// npm runs `prepare` in it with no node_modules at all. The locked
// dependencies (the compiler among them, and the runtime ones dist/ imports)
// are then installed first, with the npm that runs this script.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  if (r.error !== undefined) {
    console.error(`error: ${cmd}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync(tsc)) {
  // The global install's settings would make `npm ci` global too, leave the
  // compiler out, or be refused in a project (--allow-scripts); the rest
  // (cache, --offline, registry) is kept.
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^npm_config_(global|location|prefix|omit|include|production|only|also|dev|install_links|allow_scripts)$/i.test(k)) delete env[k];
  }
  delete env.NODE_ENV;
  const npm = process.env.npm_execpath;
  const [cmd, pre] = npm !== undefined && npm.endsWith(".js") ? [process.execPath, [npm]] : [npm ?? "npm", []];
  console.error("cognix: installing the locked dependencies (npm ci) to compile dist/");
  run(cmd, [...pre, "ci", "--ignore-scripts", "--include=dev", "--no-audit", "--no-fund"], env);
}

run(process.execPath, [tsc, "-p", "tsconfig.build.json"]);
run(process.execPath, [join(root, "dist", "schema", "gen-validators.js")]);
