// predict: the `cog predict` command line, the docker/podman flow against a
// stand-in Cog server (health check, schema-typed inputs, files both ways,
// container stopped), and the error paths.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cogArgs, engineRunArgs, labelWantsGpu, predictCommand } from "../predict.ts";
import { capture, fakeTool, isolatedPath, tempDir } from "./helpers.ts";

const openapi = {
  components: {
    schemas: {
      Input: {
        properties: {
          image: { type: "string", format: "uri" },
          top_k: { type: "integer" },
          scale: { type: "number" },
          fast: { type: "boolean" },
          prompt: { type: "string" },
          tags: { type: "array", items: { type: "integer" } },
        },
      },
    },
  },
};

interface FakeServer {
  server: Server;
  port: number;
  requests: unknown[];
  health: string[];
}

/** A stand-in Cog HTTP server: STARTING once, then READY; counts the inputs and returns a PNG file. */
function startCogServer(): Promise<FakeServer> {
  const state: FakeServer = { server: undefined as unknown as Server, port: 0, requests: [], health: [] };
  let polls = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.url === "/health-check") {
      const status = polls++ === 0 ? "STARTING" : "READY";
      state.health.push(status);
      send(200, { status });
    } else if (req.url === "/openapi.json") send(200, openapi);
    else if (req.url === "/predictions" && req.method === "POST") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const parsed = JSON.parse(body) as { input: unknown };
        state.requests.push(parsed);
        send(200, { status: "succeeded", output: { inputs: Object.keys(parsed.input as object).length, picture: `data:image/png;base64,${Buffer.from("PNGDATA").toString("base64")}` } });
      });
    } else send(404, {});
  });
  state.server = server;
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      state.port = typeof a === "object" && a !== null ? a.port : 0;
      resolve(state);
    });
  });
}

describe("predict command lines", () => {
  it("cog predict gets the image, the inputs and --gpus only when asked", () => {
    expect(cogArgs("r8.im/a/b", ["x=1", "img=@a.png"], undefined)).toEqual(["predict", "r8.im/a/b", "-i", "x=1", "-i", "img=@a.png"]);
    expect(cogArgs("img", [], true)).toEqual(["predict", "img", "--gpus", "all"]);
  });

  it("docker gets --gpus all, podman the CDI device, a CPU model neither", () => {
    expect(engineRunArgs("docker", "img", true)).toEqual(["run", "--detach", "--rm", "--publish", "127.0.0.1::5000", "--gpus", "all", "img"]);
    expect(engineRunArgs("podman", "img", true)).toContain("nvidia.com/gpu=all");
    expect(engineRunArgs("docker", "img", false)).not.toContain("--gpus");
  });

  it("reads the GPU flag from the run.cog.config label", () => {
    expect(labelWantsGpu(JSON.stringify({ build: { gpu: true, python_version: "3.12" } }))).toBe(true);
    expect(labelWantsGpu(JSON.stringify({ build: { python_version: "3.12" } }))).toBe(false);
    expect(labelWantsGpu("")).toBe(false);
    expect(labelWantsGpu("not json")).toBe(false);
  });
});

describe("cognix predict", () => {
  let dir = "";
  let cog: FakeServer;

  beforeAll(async () => {
    dir = tempDir("predict");
    cog = await startCogServer();
  });

  afterAll(() => {
    cog.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs cog predict when cog is on PATH, passing the inputs through", async () => {
    const bin = join(dir, "bin-cog");
    const log = join(dir, "cog-args");
    fakeTool(bin, "cog", `printf '%s\\n' "$@" > "${log}"\necho '{"ok": true}'`);
    const c = capture(dir, { ...process.env, PATH: isolatedPath(dir, bin) });
    expect(await predictCommand(["r8.im/acme/model", "-i", "prompt=hi", "-i", "image=@in.png", "--gpus"], c.ctx)).toBe(0);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(["predict", "r8.im/acme/model", "--gpus", "all", "-i", "prompt=hi", "-i", "image=@in.png"]);
    expect(c.out()).toContain('{"ok": true}');
  });

  it("without cog, starts the image with docker, sends typed inputs and files, saves output files and stops it", async () => {
    const bin = join(dir, "bin-docker");
    const log = join(dir, "docker-log");
    const label = JSON.stringify({ build: { gpu: true } }).replace(/"/g, '\\"');
    fakeTool(
      bin,
      "docker",
      `echo "$*" >> "${log}"
case "$1" in
  image) echo "${label}" ;;
  run) echo cafe0123 ;;
  port) echo "0.0.0.0:${cog.port}"; echo "[::]:${cog.port}" ;;
  stop) echo "$2" ;;
  *) exit 64 ;;
esac`,
    );
    writeFileSync(join(dir, "in.png"), "INPUT");
    const c = capture(dir, { ...process.env, PATH: isolatedPath(dir, bin) });
    const code = await predictCommand(
      ["acme/model:1", "-i", "image=@in.png", "-i", "top_k=3", "-i", "scale=0.5", "-i", "fast=true", "-i", "prompt=42", "-i", "tags=1", "-i", "tags=2", "--json"],
      c.ctx,
    );
    expect(c.err()).toBe("");
    expect(code).toBe(0);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls[0]).toMatch(/^image inspect --format .*run\.cog\.config.* acme\/model:1$/);
    expect(calls[1]).toBe("run --detach --rm --publish 127.0.0.1::5000 --gpus all acme/model:1");
    expect(calls[2]).toBe("port cafe0123 5000/tcp");
    expect(calls.at(-1)).toBe("stop cafe0123");
    expect(cog.health[0]).toBe("STARTING");
    expect(cog.requests).toEqual([
      {
        input: {
          image: `data:image/png;base64,${Buffer.from("INPUT").toString("base64")}`,
          top_k: 3,
          scale: 0.5,
          fast: true,
          prompt: "42",
          tags: [1, 2],
        },
      },
    ]);
    const out = JSON.parse(c.out()) as { ok: boolean; files: string[]; output: { inputs: number; picture: string } };
    expect(out.output.inputs).toBe(6);
    expect(out.files).toEqual(["output.png"]);
    expect(out.output.picture).toBe("output.png");
    expect(readFileSync(join(dir, "output.png"), "utf8")).toBe("PNGDATA");
  });

  it("rejects an input that does not match the schema, and still stops the container", async () => {
    const bin = join(dir, "bin-docker2");
    const log = join(dir, "docker-log2");
    fakeTool(bin, "docker", `echo "$*" >> "${log}"\ncase "$1" in image) echo "" ;; run) echo beef ;; port) echo "127.0.0.1:${cog.port}" ;; esac`);
    const c = capture(dir, { ...process.env, PATH: isolatedPath(dir, bin) });
    expect(await predictCommand(["acme/model:1", "-i", "top_k=many", "--no-gpus"], c.ctx)).toBe(1);
    expect(c.err()).toContain("-i top_k: expected an integer");
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls[0]).toBe("run --detach --rm --publish 127.0.0.1::5000 acme/model:1");
    expect(calls.at(-1)).toBe("stop beef");
  });

  it("fails clearly when none of cog, docker or podman is there", async () => {
    const c = capture(dir, { ...process.env, PATH: isolatedPath(dir) });
    expect(await predictCommand(["img", "-i", "x=1"], c.ctx)).toBe(1);
    expect(c.err()).toContain("none of cog, docker or podman found on PATH");
  });

  it("needs an image: named, or from ./result", async () => {
    const bin = join(dir, "bin-cog2");
    fakeTool(bin, "cog", "exit 0");
    const c = capture(dir, { ...process.env, PATH: isolatedPath(dir, bin) });
    expect(await predictCommand(["-i", "x=1"], c.ctx)).toBe(1);
    expect(c.err()).toContain("no IMAGE given and no built image");
  });

  it("usage errors exit 2", async () => {
    const c = capture(dir, { ...process.env, PATH: isolatedPath(dir) });
    expect(await predictCommand(["img", "-i", "novalue"], c.ctx)).toBe(2);
    expect(await predictCommand(["img", "--gpus", "--no-gpus"], c.ctx)).toBe(2);
    expect(await predictCommand(["img", "--timeout", "soon"], c.ctx)).toBe(2);
    expect(await predictCommand(["img", "--bogus"], c.ctx)).toBe(2);
    expect(c.err()).toContain("Usage: cognix predict");
  });
});
