import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { S3Client } from "../../s3/client.ts";

export interface MotoServer {
  endpoint: string;
  /** Credentials of an IAM user moto knows (signatures are checked when `checkAuth`). */
  accessKeyId: string;
  secretAccessKey: string;
  client: S3Client;
  /** What moto_server printed so far: a line per request ("GET /bucket/key HTTP/1.1" 200). */
  log: () => string;
  stop: () => Promise<void>;
}

/** moto_server (Python moto's S3-compatible server) if it is on PATH. */
export function hasMoto(): boolean {
  return spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0;
}

async function iam(endpoint: string, params: Record<string, string>): Promise<string> {
  // Only the first few actions are unauthenticated (INITIAL_NO_AUTH_ACTION_COUNT).
  const res = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "AWS4-HMAC-SHA256 Credential=setup/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: new URLSearchParams({ ...params, Version: "2010-05-08" }).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto IAM ${params.Action}: ${res.status} ${text.slice(0, 200)}`);
  return text;
}

/**
 * Starts moto_server on a free loopback port. With `checkAuth`, every S3
 * request after setup must carry a valid SigV4 signature from the IAM user
 * created here; without it, anonymous reads work (a public bucket).
 */
export async function startMoto(checkAuth: boolean): Promise<MotoServer> {
  const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", "0"], {
    env: { ...process.env, ...(checkAuth ? { INITIAL_NO_AUTH_ACTION_COUNT: "3" } : {}), AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      output += d.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) resolve(m[1]!);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`moto_server exited (${code}): ${output}`)));
    setTimeout(() => reject(new Error(`moto_server did not start: ${output}`)), 30_000);
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  try {
    let accessKeyId = "test";
    let secretAccessKey = "test";
    if (checkAuth) {
      await iam(endpoint, { Action: "CreateUser", UserName: "cognix" });
      const key = await iam(endpoint, { Action: "CreateAccessKey", UserName: "cognix" });
      accessKeyId = /<AccessKeyId>([^<]+)</.exec(key)![1]!;
      secretAccessKey = /<SecretAccessKey>([^<]+)</.exec(key)![1]!;
      const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
      await iam(endpoint, { Action: "PutUserPolicy", UserName: "cognix", PolicyName: "all", PolicyDocument: policy });
    }
    const client = new S3Client({ endpoint, region: "us-east-1", credentials: { accessKeyId, secretAccessKey } });
    return { endpoint, accessKeyId, secretAccessKey, client, log: () => output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
