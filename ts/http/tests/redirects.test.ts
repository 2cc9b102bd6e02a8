// Credentials never follow a redirect to another origin; harmless headers do.
import { createServer, type IncomingHttpHeaders } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { listenLoopback, type Listening } from "../../testkit/loopback.ts";
import { readBody } from "../exchange.ts";
import { WEIGHTS_LIMITS } from "../limits.ts";
import { openFollowing } from "../redirects.ts";

describe("following redirects", () => {
  const servers: Listening[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  /** A server that redirects /from to `next(origin)` and answers anything else with "done". */
  async function server(seen: IncomingHttpHeaders[], next: (origin: string) => string): Promise<string> {
    const s = await listenLoopback(
      createServer((req, res) => {
        seen.push(req.headers);
        if (req.url === "/from") res.writeHead(302, { Location: next(s.url) }).end();
        else res.end("done");
      }),
    );
    servers.push(s);
    return s.url;
  }

  const headers = { authorization: "Bearer secret-token", "x-amz-date": "20240101T000000Z", range: "bytes=0-9", accept: "application/json" };

  it("keeps every header on the same origin", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const origin = await server(seen, (o) => `${o}/to`);
    const res = await openFollowing({ method: "GET", url: new URL(`${origin}/from`), headers }, { limits: WEIGHTS_LIMITS });
    expect((await readBody(res)).toString()).toBe("done");
    expect(res.url.pathname).toBe("/to");
    expect(seen[1]?.authorization).toBe("Bearer secret-token");
  });

  it("drops credentials and signatures on another origin, keeping Range and Accept", async () => {
    const elsewhere: IncomingHttpHeaders[] = [];
    const other = await server(elsewhere, () => "/never");
    const origin = await server([], () => `${other}/blob`);
    const res = await openFollowing({ method: "GET", url: new URL(`${origin}/from`), headers }, { limits: WEIGHTS_LIMITS });
    expect((await readBody(res)).toString()).toBe("done");
    expect(res.url.href).toBe(`${other}/blob`);
    expect(elsewhere[0]?.authorization).toBeUndefined();
    expect(elsewhere[0]?.["x-amz-date"]).toBeUndefined();
    expect(elsewhere[0]?.range).toBe("bytes=0-9");
    expect(elsewhere[0]?.accept).toBe("application/json");
  });

  it("does not follow a redirect of a PUT", async () => {
    const origin = await server([], (o) => `${o}/to`);
    const res = await openFollowing({ method: "PUT", url: new URL(`${origin}/from`), body: Buffer.from("x") }, { limits: WEIGHTS_LIMITS });
    res.body.resume();
    expect(res.status).toBe(302);
  });
});
