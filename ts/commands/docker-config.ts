import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { CognixError } from "../util/errors.ts";

/** The docker config `docker login` writes and pushes read: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigFile(env: NodeJS.ProcessEnv): string {
  return env["DOCKER_CONFIG"] ? join(env["DOCKER_CONFIG"], "config.json") : join(env["HOME"] ?? homedir(), ".docker", "config.json");
}

type Config = Record<string, unknown> & { auths?: Record<string, Record<string, unknown>>; credsStore?: string };

function readConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a JSON object");
    return parsed as Config;
  } catch (err) {
    throw new CognixError({ file, message: `cannot read it: ${(err as Error).message}; fix or remove it, then log in again` });
  }
}

/** `docker-credential-HELPER store`, as docker does when the config names a credsStore. */
function storeWithHelper(helper: string, host: string, username: string, secret: string, env: NodeJS.ProcessEnv): Promise<void> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolveStore, reject) => {
    const child = spawn(program, ["store"], { env, stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", (e) => reject(new CognixError({ message: `the docker config's credsStore is ${helper}, and ${program} cannot be run: ${e.message}` })));
    child.on("close", (code) => {
      // The helper's output may echo the secret: report only its status.
      if (code === 0) resolveStore();
      else reject(new CognixError({ message: `${program} store failed (exit ${code}): ${err.includes(secret) ? "(its message would show the secret)" : err.trim()}` }));
    });
    child.stdin.end(JSON.stringify({ ServerURL: host, Username: username, Secret: secret }));
  });
}

/**
 * Saves credentials for `host` where docker keeps them: the config's
 * credsStore helper when it names one, else `auths` in the config file
 * (other keys kept; written atomically, readable only by its owner).
 * Returns where they went.
 */
export async function saveLogin(env: NodeJS.ProcessEnv, host: string, username: string, secret: string): Promise<string> {
  const file = dockerConfigFile(env);
  const config = readConfig(file);
  if (typeof config.credsStore === "string" && config.credsStore !== "") {
    await storeWithHelper(config.credsStore, host, username, secret, env);
    return `docker-credential-${config.credsStore}`;
  }
  const auths = { ...(config.auths ?? {}) };
  auths[host] = { auth: Buffer.from(`${username}:${secret}`).toString("base64") };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `${JSON.stringify({ ...config, auths }, null, "\t")}\n`, 0o600);
  return file;
}
