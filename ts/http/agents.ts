import http from "node:http";
import https from "node:https";

/** Keep-alive agents shared by the requests of one client. */
export class Agents {
  readonly http: http.Agent;
  readonly https: https.Agent;
  constructor(maxSockets: number) {
    this.http = new http.Agent({ keepAlive: true, maxSockets });
    this.https = new https.Agent({ keepAlive: true, maxSockets });
  }
  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
