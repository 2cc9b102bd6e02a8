import { send } from "../http/exchange.ts";
import { REGISTRY_LIMITS } from "../http/limits.ts";
import { CognixError } from "../util/errors.ts";

/** Replicate's registry host, whose logins are CLI tokens (as `cog login` treats it). */
export const REPLICATE_REGISTRY = "r8.im";

/** The registry's base URL: a scheme given stays; loopback hosts are plain HTTP, others HTTPS. */
export function registryUrl(registry: string, loopback: boolean): URL {
  return new URL(registry.includes("://") ? registry : `${loopback ? "http" : "https"}://${registry}`);
}

/** The user a Replicate CLI token belongs to, asked of the registry (`/cog/v1/verify-token`), as cog login does. */
export async function verifyToken(base: URL, token: string): Promise<string> {
  if (token === "") throw new CognixError({ message: "the token is empty" });
  if (token.startsWith("r8_")) {
    throw new CognixError({ message: "that looks like a Replicate API token, not a CLI login token: get one at https://replicate.com/auth/token" });
  }
  const url = new URL("/cog/v1/verify-token", base);
  let res;
  try {
    res = await send(
      { method: "POST", url, headers: { "content-type": "application/x-www-form-urlencoded" }, body: Buffer.from(new URLSearchParams({ token }).toString()) },
      { limits: REGISTRY_LIMITS },
    );
  } catch (err) {
    throw new CognixError({ message: `could not reach ${url.origin} to check the token: ${(err as Error).message}` });
  }
  if (res.status === 404) throw new CognixError({ message: `${url.host} knows no user with this token` });
  if (res.status !== 200) throw new CognixError({ message: `${url.host} did not accept the token (HTTP ${res.status})` });
  let username: unknown;
  try {
    username = (JSON.parse(res.body.toString("utf8")) as { username?: unknown }).username;
  } catch {
    username = undefined;
  }
  if (typeof username !== "string" || username === "") throw new CognixError({ message: `${url.host} answered the token check without a username` });
  return username;
}
