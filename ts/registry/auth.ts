import { CognixError } from "../util/errors.ts";
import type { Credentials } from "./credentials.ts";
import type { Agents } from "../http/agents.ts";
import { HttpError } from "../http/errors.ts";
import { send } from "../http/exchange.ts";
import type { Limits } from "../http/limits.ts";
import { parseRetryAfter } from "../http/retry.ts";
import { header, type HttpResponse } from "../http/types.ts";
import { isLoopbackHost } from "./reference.ts";
import type { Challenge } from "./www-authenticate.ts";

export interface AuthContext {
  host: string;
  insecure: boolean;
  agents: Agents;
  limits: Limits;
  /** Loaded on first need, once. */
  credentials: () => Promise<Credentials | undefined>;
  /** File named in messages about bad or missing credentials. */
  credentialFile: string;
}

/**
 * Holds the registry's challenge and the Authorization header per scope set.
 * Tokens are fetched once per scope set and reused for the whole push.
 */
export class Authenticator {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, Promise<string>>();
  private credentialsPromise: Promise<Credentials | undefined> | undefined;

  constructor(private readonly ctx: AuthContext) {}

  get known(): boolean {
    return this.challenge !== undefined;
  }

  private creds(): Promise<Credentials | undefined> {
    this.credentialsPromise ??= this.ctx.credentials();
    return this.credentialsPromise;
  }

  authFailed(status: number): CognixError {
    return new CognixError({
      message: `authentication failed for ${this.ctx.host} (${status}): check the credentials for this registry in ${this.ctx.credentialFile}`,
    });
  }

  private authMissing(status: number): CognixError {
    return new CognixError({
      message: `authentication required for ${this.ctx.host} (${status}): no credentials found; run \`docker login ${this.ctx.host}\` or add them to ${this.ctx.credentialFile}`,
    });
  }

  /** Records the challenge of a 401; a new realm or scheme invalidates cached tokens. */
  setChallenge(ch: Challenge): void {
    const prev = this.challenge;
    this.challenge = ch;
    if (prev?.scheme !== ch.scheme || prev.params.realm !== ch.params.realm) this.tokens.clear();
  }

  /** Forgets the token for these scopes (after it was refused). */
  drop(scopes: readonly string[]): void {
    this.tokens.delete(scopeKey(scopes));
  }

  /** The Authorization header for a request needing `scopes`, or undefined before any challenge. */
  async authorization(scopes: readonly string[]): Promise<string | undefined> {
    const ch = this.challenge;
    if (ch === undefined) return undefined;
    if (ch.scheme === "basic") {
      const c = await this.creds();
      if (c?.username === undefined || c.password === undefined) throw this.authMissing(401);
      return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
    }
    const key = scopeKey(scopes);
    let p = this.tokens.get(key);
    if (p === undefined) {
      p = this.fetchToken(ch, scopes);
      this.tokens.set(key, p);
      p.catch(() => this.tokens.delete(key));
    }
    return `Bearer ${await p}`;
  }

  private async fetchToken(ch: Challenge, scopes: readonly string[]): Promise<string> {
    const realm = ch.params.realm;
    if (realm === undefined) throw new CognixError({ message: `${this.ctx.host} asked for a Bearer token without naming a token server (realm)` });
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new CognixError({ message: `${this.ctx.host} named an invalid token server: ${realm}` });
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && (this.ctx.insecure || isLoopbackHost(url.host)))) {
      throw new CognixError({ message: `token server ${url.host} for ${this.ctx.host} is not https; pass --insecure to allow it` });
    }
    const creds = await this.creds();
    const allScopes = [...new Set([...(ch.params.scope ? ch.params.scope.split(" ") : []), ...scopes])].sort();
    let res: HttpResponse;
    try {
      if (creds?.identityToken !== undefined) {
        const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: creds.identityToken, client_id: "cognix" });
        if (ch.params.service) form.set("service", ch.params.service);
        form.set("scope", allScopes.join(" "));
        res = await send(
          { method: "POST", url, headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: Buffer.from(form.toString()) },
          { agents: this.ctx.agents, limits: this.ctx.limits },
        );
      } else {
        if (ch.params.service) url.searchParams.set("service", ch.params.service);
        for (const s of allScopes) url.searchParams.append("scope", s);
        const headers: Record<string, string> = {};
        if (creds?.username !== undefined && creds.password !== undefined) {
          headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
        }
        res = await send({ method: "GET", url, headers }, { agents: this.ctx.agents, limits: this.ctx.limits });
      }
    } catch (err) {
      if (err instanceof CognixError) throw err;
      const code = (err as { code?: string }).code ?? (err as Error).message;
      // Transient network failures are retried by the caller.
      throw Object.assign(new Error(`cannot reach token server ${url.host} for ${this.ctx.host} (${code})`), { code });
    }
    if (res.status === 401 || res.status === 403) {
      throw creds === undefined ? this.authMissing(res.status) : this.authFailed(res.status);
    }
    if (res.status >= 500 || res.status === 429) {
      throw new HttpError(res.status, `token server ${url.host} for ${this.ctx.host} answered ${res.status}`, parseRetryAfter(header(res, "retry-after")));
    }
    if (res.status < 200 || res.status >= 300) {
      throw new CognixError({ message: `token server ${url.host} for ${this.ctx.host} answered ${res.status}` });
    }
    let token: unknown;
    try {
      const body = JSON.parse(res.body.toString("utf8")) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== "string" || token === "") {
      throw new CognixError({ message: `token server ${url.host} for ${this.ctx.host} did not return a token (content-type ${header(res, "content-type") ?? "none"})` });
    }
    return token;
  }
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(" ");
}
