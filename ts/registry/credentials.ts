import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CognixError } from "../util/errors.ts";

/** Registry credentials and where they came from (the source is safe to print; the rest never is). */
export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token, from `docker login` against token servers that hand them out. */
  identityToken?: string;
  source: string;
}

export interface CredentialOptions {
  authFile?: string;
  env?: NodeJS.ProcessEnv;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Config files to consult, most specific first. */
export function credentialFiles(opts: CredentialOptions): string[] {
  const env = opts.env ?? process.env;
  const files: string[] = [];
  if (opts.authFile !== undefined) return [opts.authFile];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.XDG_RUNTIME_DIR) files.push(join(env.XDG_RUNTIME_DIR, "containers", "auth.json"));
  const home = env.HOME ?? homedir();
  files.push(env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, "config.json") : join(home, ".docker", "config.json"));
  return files;
}

/** The file users should edit, for error messages. */
export function primaryCredentialFile(opts: CredentialOptions): string {
  const files = credentialFiles(opts);
  return files.find((f) => existsSync(f)) ?? files[files.length - 1] ?? "~/.docker/config.json";
}

function readConfig(file: string): ConfigFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a JSON object");
    return parsed as ConfigFile;
  } catch (err) {
    throw new CognixError({ file, message: `cannot parse registry credentials: ${(err as Error).message}` });
  }
}

/** Keys a config file may use for `domain`, e.g. `https://index.docker.io/v1/` for Docker Hub. */
export function hostKeys(domain: string): string[] {
  if (domain === "docker.io") {
    return ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io", "https://index.docker.io/v1"];
  }
  return [domain, `https://${domain}`, `http://${domain}`, `https://${domain}/v1/`, `https://${domain}/v2/`];
}

/** Server URL handed to a credential helper. */
function helperServer(domain: string): string {
  return domain === "docker.io" ? "https://index.docker.io/v1/" : domain;
}

function normaliseKey(key: string): string {
  return key.replace(/^https?:\/\//, "").replace(/\/+$/, "").replace(/\/v[12]$/, "");
}

/** Finds the auths entry for `domain/name`, longest match first (containers auth.json allows repo paths). */
function findAuth(auths: Record<string, AuthEntry>, domain: string, name: string): AuthEntry | undefined {
  const want = domain === "docker.io" ? ["docker.io", "index.docker.io", "registry-1.docker.io"] : [domain];
  let best: { len: number; entry: AuthEntry } | undefined;
  for (const [key, entry] of Object.entries(auths)) {
    const k = normaliseKey(key);
    for (const d of want) {
      const full = `${d}/${name}`;
      if (k === d || full === k || full.startsWith(`${k}/`)) {
        if (best === undefined || k.length > best.len) best = { len: k.length, entry };
      }
    }
  }
  return best?.entry;
}

function fromEntry(entry: AuthEntry, source: string): Credentials | undefined {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const i = decoded.indexOf(":");
    if (i < 0) throw new CognixError({ file: source, message: "an \"auth\" entry is not base64 of user:password" });
    username = decoded.slice(0, i);
    password = decoded.slice(i + 1);
  }
  const out: Credentials = { source };
  if (username) out.username = username;
  if (password) out.password = password;
  if (entry.identitytoken) out.identityToken = entry.identitytoken;
  return out.password !== undefined || out.identityToken !== undefined ? out : undefined;
}

/** Runs `docker-credential-<helper> get`; "not found" means no credentials. */
export function runCredentialHelper(helper: string, domain: string, env: NodeJS.ProcessEnv): Promise<Credentials | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = execFile(program, ["get"], { env, timeout: 30_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          reject(new CognixError({ message: `credential helper ${program} for ${domain} is not on PATH` }));
          return;
        }
        if (/not found/i.test(`${stdout}${stderr}`)) {
          resolve(undefined);
          return;
        }
        // Helper output may echo secrets: report only the exit status.
        reject(new CognixError({ message: `credential helper ${program} failed for ${domain} (exit ${String((err as { code?: unknown }).code ?? "?")})` }));
        return;
      }
      let parsed: { Username?: unknown; Secret?: unknown };
      try {
        parsed = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
      } catch {
        reject(new CognixError({ message: `credential helper ${program} printed something that is not JSON for ${domain}` }));
        return;
      }
      const user = typeof parsed.Username === "string" ? parsed.Username : "";
      const secret = typeof parsed.Secret === "string" ? parsed.Secret : "";
      if (secret === "") {
        resolve(undefined);
        return;
      }
      const source = `credential helper ${program}`;
      resolve(user === "<token>" ? { identityToken: secret, source } : { username: user, password: secret, source });
    });
    child.stdin?.end(helperServer(domain));
  });
}

/**
 * Credentials for `domain/name`, Docker's order: a credHelpers entry for the
 * host, then credsStore, then the inline auths entry; first file that has any.
 */
export async function findCredentials(domain: string, name: string, opts: CredentialOptions = {}): Promise<Credentials | undefined> {
  const env = opts.env ?? process.env;
  for (const file of credentialFiles(opts)) {
    const config = readConfig(file);
    if (config === undefined) continue;
    const helper = hostKeys(domain).map((k) => config.credHelpers?.[k]).find((h) => h !== undefined);
    if (helper !== undefined) {
      const c = await runCredentialHelper(helper, domain, env);
      if (c !== undefined) return c;
    }
    const entry = config.auths ? findAuth(config.auths, domain, name) : undefined;
    if (config.credsStore && helper === undefined) {
      const c = await runCredentialHelper(config.credsStore, domain, env);
      if (c !== undefined) return c;
    }
    if (entry !== undefined) {
      const c = fromEntry(entry, file);
      if (c !== undefined) return c;
    }
  }
  return undefined;
}
