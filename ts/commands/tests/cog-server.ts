// A stand-in Cog HTTP server for the run and serve tests: STARTING once,
// then READY; records each prediction's input and answers with `output`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export const INPUT_SCHEMA = {
  image: { type: "string", format: "uri" },
  top_k: { type: "integer" },
  scale: { type: "number" },
  fast: { type: "boolean" },
  prompt: { type: "string" },
  tags: { type: "array", items: { type: "integer" } },
};

/** An OpenAPI document as Cog's server writes it: Input, and Output behind PredictionResponse. */
export function openapiWith(output: Record<string, unknown>): unknown {
  return {
    paths: { "/predictions": { post: { responses: { "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/PredictionResponse" } } } } } } } },
    components: {
      schemas: {
        Input: { properties: INPUT_SCHEMA },
        Output: output,
        PredictionResponse: { properties: { output: { $ref: "#/components/schemas/Output" } } },
      },
    },
  };
}

export const png = (s: string): string => `data:image/png;base64,${Buffer.from(s).toString("base64")}`;

export interface CogServer {
  server: Server;
  port: number;
  requests: unknown[];
  health: string[];
  /** What the next predictions answer; change between tests. */
  answer: { output: unknown; openapi: unknown; status?: string };
  close(): Promise<void>;
}

export function startCogServer(): Promise<CogServer> {
  let polls = 0;
  const state: CogServer = {
    server: createServer(),
    port: 0,
    requests: [],
    health: [],
    answer: { output: "ok", openapi: openapiWith({ type: "string" }) },
    close: () => new Promise((r) => state.server.close(() => r())),
  };
  state.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.url === "/health-check") {
      const status = polls++ === 0 ? "STARTING" : "READY";
      state.health.push(status);
      send(200, { status });
    } else if (req.url === "/openapi.json") send(200, state.answer.openapi);
    else if (req.url === "/predictions" && req.method === "POST") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        state.requests.push(JSON.parse(body) as unknown);
        const status = state.answer.status ?? "succeeded";
        send(200, { status, output: status === "succeeded" ? state.answer.output : null, error: status === "succeeded" ? null : "it broke", logs: "" });
      });
    } else send(404, {});
  });
  return new Promise((resolve) => {
    state.server.listen(0, "127.0.0.1", () => {
      const a = state.server.address();
      state.port = typeof a === "object" && a !== null ? a.port : 0;
      resolve(state);
    });
  });
}

/** A stand-in docker that logs its arguments and answers as docker would, publishing `port`. */
export function fakeDockerScript(log: string, port: number, opts: { label?: string; known?: boolean } = {}): string {
  const label = (opts.label ?? "").replace(/"/g, '\\"');
  return `echo "$*" >> "${log}"
case "$1" in
  image) ${opts.known === false ? 'if [ "$2" = inspect ] && [ "$3" != --format ]; then exit 1; fi' : ""}
         echo "${label}" ;;
  load) cat > /dev/null; echo "Loaded image: loaded" ;;
  run) echo cafe0123 ;;
  port) echo "0.0.0.0:${port}"; echo "[::]:${port}" ;;
  stop) echo "$2" ;;
  *) exit 64 ;;
esac`;
}
