import { createServer } from "node:net";

/**
 * A loopback port nothing listens on at the moment of asking, for a server
 * that cannot bind port 0 and report the port it got. Another process may
 * take it before that server binds it: callers that can, retry.
 */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}
